"""Set someone up to work in the admin as an editor or a publisher.

    manage.py create_editor alice --email alice@example.org          # asks for a password
    echo "$PASSWORD" | manage.py create_editor bob --publisher --password-stdin

Running it again for an existing user updates them: staff access on, the role given, e-mail and
password only when given (an existing user's password changes only with --password-stdin). The
user ends up in exactly one of the two groups.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from commitments.domain.roles import EDITORS, PUBLISHERS


class Command(BaseCommand):
    help = "Create or update a staff user in the Editors group, or in Publishers with --publisher."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--publisher", action="store_true", help="May also publish and unpublish.")
        parser.add_argument("--email", default=None, help="E-mail address (kept unchanged when omitted).")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input instead of prompting.",
        )

    def handle(self, *args, username: str, publisher: bool, email: str | None, password_stdin: bool, **options):
        User = get_user_model()
        try:
            User.username_validator(username)
        except ValidationError as exc:
            raise CommandError(f"{username!r} is not a valid username: {' '.join(exc.messages)}") from None
        if email is not None:
            try:
                validate_email(email)
            except ValidationError:
                raise CommandError(f"{email!r} is not a valid e-mail address.") from None

        groups = {group.name: group for group in Group.objects.filter(name__in=[EDITORS, PUBLISHERS])}
        if len(groups) != 2:
            raise CommandError(f"The {EDITORS} and {PUBLISHERS} groups are missing; run `manage.py migrate` first.")

        user = User.objects.filter(username=username).first()
        password = self.read_password(password_stdin, required=user is None)
        if password is not None:
            try:
                password_validation.validate_password(password, user or User(username=username, email=email or ""))
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from None

        created = user is None
        with transaction.atomic():
            if created:
                user = User(username=username)
            user.is_staff = True
            user.is_active = True
            if email is not None:
                user.email = email
            if password is not None:
                user.set_password(password)
            user.save()
            role = groups[PUBLISHERS if publisher else EDITORS]
            user.groups.remove(*groups.values())
            user.groups.add(role)

        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username}: staff, in the {role.name} group."))

    def read_password(self, from_stdin: bool, *, required: bool) -> str | None:
        if from_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("No password on standard input.")
            return password
        if not sys.stdin.isatty():
            if required:
                raise CommandError("A new user needs a password: pass --password-stdin, or run in a terminal.")
            return None
        if not required:
            return None
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
        if not password:
            raise CommandError("The password cannot be empty.")
        return password
