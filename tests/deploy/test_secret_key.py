import stat

from .conftest import production_env, run

PRINT_KEY = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'wiki.settings'); "
    "django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
)


def test_a_fresh_production_machine_makes_a_private_key_once_and_reuses_it(tmp_path):
    env = production_env(tmp_path)
    key_file = tmp_path / "secret_key"

    # A permissive umask must not leave the key readable by others, not even briefly.
    first = run(["-c", PRINT_KEY], env, umask=0)
    assert first.returncode == 0, first.stderr
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = first.stdout.strip()
    assert len(key) >= 50
    assert key_file.read_text().strip() == key
    assert f"made a new secret key and kept it in {key_file}" in first.stderr
    assert list(tmp_path.iterdir()) == [key_file], "no temporary file is left behind"

    second = run(["-c", PRINT_KEY], env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == key
    assert second.stderr == ""


def test_a_key_from_the_environment_wins_and_no_file_is_made(tmp_path):
    env = production_env(tmp_path, DJANGO_SECRET_KEY="a-key-from-the-operator")

    result = run(["-c", PRINT_KEY], env)

    assert result.stdout.strip() == "a-key-from-the-operator"
    assert not (tmp_path / "secret_key").exists()


def test_manage_py_and_the_server_sign_alike_so_a_check_passes_without_a_key(tmp_path):
    # `manage.py check --deploy` used to refuse to run at all without DJANGO_SECRET_KEY.
    result = run(["manage.py", "check", "--deploy"], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    # security.W009 is Django's warning about a short, simple or missing key.
    assert "W009" not in result.stdout + result.stderr
    assert (tmp_path / "secret_key").exists()
