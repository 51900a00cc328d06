"""``manage.py createeditor``: a staff account in the Editors group, never a superuser."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

from entries.editors import EDITORS_GROUP
from entries.management.commands.createeditor import PASSWORD_ENV

pytestmark = pytest.mark.django_db

PASSWORD = "violet-android-7731"


class Terminal(io.StringIO):
    """Stands in for stdin when a person is typing."""

    def isatty(self):
        return True


class Pipe(io.StringIO):
    def isatty(self):
        return False


@pytest.fixture(autouse=True)
def no_password_in_environment(monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def typed(monkeypatch):
    """Answers the password prompts with the given strings, in order."""

    def answer(*answers):
        replies = iter(answers)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": next(replies))

    return answer


def create(*args, stdin=None):
    out = io.StringIO()
    call_command("createeditor", *args, stdin=stdin or Pipe(), stdout=out)
    return out.getvalue()


def assert_is_editor(user: User, password: str) -> None:
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert user.check_password(password)


def test_password_from_the_environment(monkeypatch, client):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    output = create("mika", "--email", "mika@example.com")

    assert 'Created editor "mika".' in output
    user = User.objects.get(username="mika")
    assert user.email == "mika@example.com"
    assert_is_editor(user, PASSWORD)
    # ...and the account works: the admin opens, with entries to edit.
    # (django-axes checks every login against its lockouts: it needs the request.)
    assert client.login(request=HttpRequest(), username="mika", password=PASSWORD)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert reverse("admin:entries_series_changelist") in response.content.decode()
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_password_typed_twice(typed):
    typed(PASSWORD, PASSWORD)

    create("mika", stdin=Terminal())

    assert_is_editor(User.objects.get(username="mika"), PASSWORD)


def test_running_again_updates_the_editor(monkeypatch):
    User.objects.create_user("mika", password="old-password-1234", email="old@example.com")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    assert 'Updated editor "mika".' in create("mika")
    create("mika")  # twice changes nothing more

    user = User.objects.get(username="mika")
    assert_is_editor(user, PASSWORD)
    assert user.email == "old@example.com"  # kept, as no --email was given
    assert User.objects.count() == 1


def test_reactivates_a_deactivated_editor(monkeypatch):
    User.objects.create_user("mika", is_active=False)
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    create("mika")

    assert_is_editor(User.objects.get(username="mika"), PASSWORD)


# --- Bad input: a clear error and nothing written --------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["   "], "The username cannot be empty."),
        (["no spaces allowed"], "Username: Enter a valid username."),
        (["x" * 151], "Username: Ensure this value has at most 150 characters"),
        (["mika", "--email", "not-an-email"], "Email: Enter a valid email address."),
    ],
    ids=["empty", "invalid", "too-long", "bad-email"],
)
def test_bad_arguments(monkeypatch, args, message):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    with pytest.raises(CommandError, match=message):
        create(*args)

    assert not User.objects.exists()


def test_typed_passwords_that_differ(typed):
    typed(PASSWORD, PASSWORD + "x")

    with pytest.raises(CommandError, match="The passwords do not match"):
        create("mika", stdin=Terminal())

    assert not User.objects.exists()


def test_empty_typed_password(typed):
    typed("", "")

    with pytest.raises(CommandError, match="The password cannot be empty."):
        create("mika", stdin=Terminal())

    assert not User.objects.exists()


def test_cancelled_prompt(monkeypatch):
    def interrupt(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupt)

    with pytest.raises(CommandError, match="Cancelled"):
        create("mika", stdin=Terminal())

    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short."),
        ("password123", "This password is too common."),
        ("8461937205", "This password is entirely numeric."),
        ("mikamika1", "The password is too similar to the username."),
    ],
)
def test_password_refused_by_validators(monkeypatch, password, message):
    monkeypatch.setenv(PASSWORD_ENV, password)

    with pytest.raises(CommandError, match=message) as raised:
        create("mikamika")

    assert str(raised.value).startswith("Password refused:")
    assert not User.objects.exists()


def test_empty_password_in_the_environment(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "")

    with pytest.raises(CommandError, match=f"{PASSWORD_ENV} is set but empty."):
        create("mika")

    assert not User.objects.exists()


def test_no_terminal_and_no_environment_variable(monkeypatch):
    def must_not_prompt(prompt=""):
        raise AssertionError("prompted without a terminal")

    monkeypatch.setattr("getpass.getpass", must_not_prompt)

    with pytest.raises(CommandError, match=f"No password: set {PASSWORD_ENV}"):
        create("mika", stdin=Pipe())

    assert not User.objects.exists()


def test_refused_password_leaves_an_existing_user_alone(monkeypatch):
    User.objects.create_user("mika", password="old-password-1234")
    monkeypatch.setenv(PASSWORD_ENV, "short")

    with pytest.raises(CommandError):
        create("mika")

    user = User.objects.get(username="mika")
    assert user.check_password("old-password-1234")
    assert not user.is_staff
    assert not user.groups.exists()


def test_superuser_is_not_turned_into_an_editor(monkeypatch):
    User.objects.create_superuser("admin", password="admin-password-1234")
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    with pytest.raises(CommandError, match="is a superuser"):
        create("admin")

    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.check_password("admin-password-1234")
    assert not admin.groups.exists()


def test_a_senior_editor_may_delete_pages(monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)

    output = create("aki", "--senior")

    assert 'Created editor "aki".' in output
    user = User.objects.get(username="aki")
    assert user.has_perm("entries.delete_series") and user.has_perm("entries.protect_entry")
    assert not user.is_superuser
