"""A forgotten password (issue 12, item 8): an editor resets it by email from the
admin's login page, and the mail settings come from the environment."""

import re

import pytest
from django.core import mail
from django.http import HttpRequest
from django.urls import reverse

from tests import factories
from wiki.email import CONSOLE, SMTP, email_settings

pytestmark = pytest.mark.django_db


def test_an_editor_resets_a_forgotten_password_by_email(client):
    editor = factories.make_editor("hana")
    editor.email = "hana@example.org"
    editor.save()

    login = client.get(reverse("admin:login"))
    assert "Forgotten your login credentials?" in login.content.decode()
    reset_url = reverse("admin_password_reset")
    assert f'href="{reset_url}"' in login.content.decode()

    response = client.post(reset_url, {"email": "hana@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hana@example.org"]
    assert "hana" in message.body
    link = re.search(r"https?://testserver(/admin/reset/\S+/)", message.body)
    assert link is not None, message.body

    form = client.get(link[1], follow=True)
    assert form.status_code == 200
    assert "Enter new password" in form.content.decode()
    new_password = "a-new-and-long-passphrase"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
        follow=True,
    )
    assert done.status_code == 200
    assert "Your password has been set" in done.content.decode()
    assert f'href="{reverse("admin:login")}"' in done.content.decode()

    client.logout()
    # (django-axes checks every login against its lockouts: it needs the request.)
    assert not client.login(
        request=HttpRequest(), username="hana", password="correct-horse-battery"
    )
    response = client.post(
        reverse("admin:login"),
        {"username": "hana", "password": new_password, "next": reverse("admin:index")},
        follow=True,
    )
    assert response.status_code == 200
    assert response.context["user"].username == "hana"
    assert "Edit the encyclopedia" in response.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("admin_password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_mail_is_printed_by_default_and_sent_by_smtp_when_configured():
    assert email_settings({})["EMAIL_BACKEND"] == CONSOLE
    assert (
        email_settings({"DJANGO_DEFAULT_FROM_EMAIL": "wiki@example.org"})["DEFAULT_FROM_EMAIL"]
        == "wiki@example.org"
    )
    by_url = email_settings({"DJANGO_EMAIL_URL": "smtp://me%40x.org:p%3Ass@mail.x.org:587?tls=1"})
    assert by_url["EMAIL_BACKEND"] == SMTP
    assert (by_url["EMAIL_HOST"], by_url["EMAIL_PORT"]) == ("mail.x.org", 587)
    assert (by_url["EMAIL_HOST_USER"], by_url["EMAIL_HOST_PASSWORD"]) == ("me@x.org", "p:ss")
    assert by_url["EMAIL_USE_TLS"] and not by_url["EMAIL_USE_SSL"]
    ssl = email_settings({"DJANGO_EMAIL_URL": "smtps://mail.x.org"})
    assert (ssl["EMAIL_PORT"], ssl["EMAIL_USE_SSL"]) == (465, True)
    by_host = email_settings(
        {"EMAIL_HOST": "mail.x.org", "EMAIL_PORT": "2525", "EMAIL_USE_TLS": "1"}
    )
    assert (by_host["EMAIL_BACKEND"], by_host["EMAIL_PORT"], by_host["EMAIL_USE_TLS"]) == (
        SMTP,
        2525,
        True,
    )
