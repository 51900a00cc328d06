"""Behind nginx, which ends TLS and passes requests on with X-Forwarded-Proto: https."""

import textwrap

from .conftest import production_env, run

# Logs an editor into the admin the way a browser does through the proxy: the
# login form over "HTTPS", then the POST with the Origin header browsers send.
ADMIN_LOGIN = textwrap.dedent(
    """
    import os, django
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wiki.settings")
    django.setup()
    from django.contrib.auth.models import User
    from django.test import Client

    User.objects.filter(username="hana").delete()
    User.objects.create_superuser("hana", password="a long enough password")
    browser = Client(
        enforce_csrf_checks=True,
        headers={"Host": "wiki.example.org", "X-Forwarded-Proto": "https"},
    )
    form = browser.get("/admin/login/")
    token = browser.cookies["csrftoken"].value
    answer = browser.post(
        "/admin/login/?next=/admin/",
        {"username": "hana", "password": "a long enough password", "next": "/admin/"},
        headers={"Origin": "https://wiki.example.org", "X-CSRFToken": token},
    )
    print(form.status_code, answer.status_code, answer.get("Location", ""))
    print(answer.content.decode())
    """
)


def test_an_editor_logs_in_to_the_admin_through_an_https_proxy(production_site):
    env = production_env(
        production_site, DJANGO_ALLOWED_HOSTS="wiki.example.org", DJANGO_BEHIND_HTTPS_PROXY="1"
    )

    result = run(["-c", ADMIN_LOGIN], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n", 1)[0] == "200 302 /admin/"


def test_without_the_proxy_setting_the_same_login_is_refused(production_site):
    # What DJANGO_BEHIND_HTTPS_PROXY is for: Django would take the request for
    # plain HTTP and the browser's https:// Origin for a forgery.
    env = production_env(production_site, DJANGO_ALLOWED_HOSTS="wiki.example.org")

    result = run(["-c", ADMIN_LOGIN], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 403")
    assert "Your form was not sent" in result.stdout
