"""``manage.py createeditor USERNAME [--email E] [--senior]``: an account for an editor.

An editor is a staff user in the "Editors" group (``--senior``: "Senior
editors", who also delete and protect pages; see ``entries.editors``) and never
a superuser: nothing on users or groups. Running the command again for the
same username is safe: it puts the user back in the group and sets the new
password.

The password comes from ``FANDEX_EDITOR_PASSWORD`` when that is set (for
scripts), otherwise it is asked for twice, as ``createsuperuser`` does. Any
bad input stops the command before anything is written.
"""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from entries.editors import EDITORS_GROUP, SENIOR_EDITORS_GROUP

PASSWORD_ENV = "FANDEX_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = "Create an editor (a staff user in the Editors group, not a superuser), or update one."
    # Tests pass a stand-in for the terminal; the command line never does.
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's email address.")
        parser.add_argument(
            "--senior",
            action="store_true",
            help="A senior editor, who may also delete pages and tags and protect pages.",
        )

    def handle(self, *args, username, email, **options):
        User = get_user_model()
        username = username.strip()
        email = email.strip()
        self._check_username(User, username)
        if email:
            try:
                validate_email(email)
            except ValidationError as error:
                raise CommandError(f"Email: {' '.join(error.messages)}") from error
        group_name = SENIOR_EDITORS_GROUP if options["senior"] else EDITORS_GROUP
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist:
            raise CommandError(
                f'The "{group_name}" group is missing: run "manage.py migrate" first.'
            ) from None

        user = User.objects.filter(username=username).first()
        if user is not None and user.is_superuser:
            raise CommandError(
                f'"{username}" is a superuser; editors are not. Choose another username.'
            )
        created = user is None
        if created:
            user = User(username=username)
        if email:
            user.email = email

        password = self._get_password(options.get("stdin") or sys.stdin)
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            raise CommandError("\n".join(["Password refused:", *error.messages])) from error

        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(group)

        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f'{verb} editor "{username}".'))

    def _check_username(self, User, username: str) -> None:
        if not username:
            raise CommandError("The username cannot be empty.")
        field = User._meta.get_field(User.USERNAME_FIELD)
        try:
            field.run_validators(username)
        except ValidationError as error:
            raise CommandError(f"Username: {' '.join(error.messages)}") from error

    def _get_password(self, stdin) -> str:
        if PASSWORD_ENV in os.environ:
            password = os.environ[PASSWORD_ENV]
            if not password:
                raise CommandError(f"{PASSWORD_ENV} is set but empty.")
            return password
        if not (hasattr(stdin, "isatty") and stdin.isatty()):
            raise CommandError(
                f"No password: set {PASSWORD_ENV}, or run the command in a terminal to type one."
            )
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password (again): ")
        except (KeyboardInterrupt, EOFError):
            raise CommandError("Cancelled; nothing was changed.") from None
        if not password:
            raise CommandError("The password cannot be empty.")
        if password != again:
            raise CommandError("The passwords do not match; nothing was changed.")
        return password
