"""A new API token for one editor, printed on the last line (tokens are stored as digests).

    manage.py drf_create_token alice

Replaces Django REST framework's command of the same name, which printed the stored key: here
only a digest is stored, so every run makes a new token and the previous one stops working.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from commitments.api.tokens import expires_at, issue_token


class Command(BaseCommand):
    help = "Make a new API token for USERNAME (the previous one stops working) and print it on the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        # Accepted for scripts written for Django REST framework's command: every run resets.
        parser.add_argument(
            "-r", "--reset", action="store_true", help="Kept for compatibility; every run makes a new token."
        )

    def handle(self, *args, username: str, **options) -> None:
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"Cannot create the token: user {username!r} does not exist.") from None
        if not user.is_active:
            raise CommandError(f"Cannot create the token: user {username!r} is inactive.")
        raw, token = issue_token(user)
        self.stdout.write(
            f"New token for user {username}, valid until {expires_at(token):%Y-%m-%d %H:%M} UTC; "
            "any earlier token of theirs no longer works. It is shown only once:"
        )
        self.stdout.write(raw)
