"""Replace API tokens, and delete expired ones.

    manage.py rotate_api_tokens alice bob     # new tokens for these editors
    manage.py rotate_api_tokens --all          # for every editor holding a token
    manage.py rotate_api_tokens --delete-expired

Each new token is printed once, as `username<TAB>token`, one line each; the old ones stop
working at once.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from commitments.api.tokens import delete_expired_tokens, issue_token


class Command(BaseCommand):
    help = "Make new API tokens for the named users (or --all token holders); --delete-expired removes expired ones."

    def add_arguments(self, parser) -> None:
        parser.add_argument("usernames", nargs="*")
        parser.add_argument("--all", action="store_true", help="Every active user who holds a token.")
        parser.add_argument("--delete-expired", action="store_true", help="Delete expired tokens first.")

    def handle(self, *args, usernames: list[str], all: bool, delete_expired: bool, **options) -> None:
        if not (usernames or all or delete_expired):
            raise CommandError("Name the users whose tokens to replace, or give --all or --delete-expired.")
        if usernames and all:
            raise CommandError("Give either usernames or --all, not both.")
        User = get_user_model()
        with transaction.atomic():
            if delete_expired:
                self.stderr.write(f"Deleted {delete_expired_tokens()} expired token(s).")
            if all:
                users = list(
                    User.objects.filter(auth_token__in=Token.objects.all(), is_active=True).order_by("username")
                )
            else:
                users = list(User.objects.filter(username__in=usernames, is_active=True).order_by("username"))
                missing = sorted(set(usernames) - {user.username for user in users})
                if missing:
                    raise CommandError(f"No active user named {', '.join(missing)}; no token was changed.")
            issued = [(user.username, issue_token(user)[0]) for user in users]
        for username, raw in issued:
            self.stdout.write(f"{username}\t{raw}")
