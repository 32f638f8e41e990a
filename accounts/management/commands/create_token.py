"""hocvuso create_token USERNAME --name NAME: print a new API token for scripts."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts import actions
from accounts.models import User


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (only the raw token, on standard output)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What will use the token, e.g. 'nightly sync'.")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user with the username {username!r}.") from None
        try:
            _token, raw = actions.create_token(user=user, name=name)
        except actions.ActionRefused as exc:
            raise CommandError(exc.message) from None
        # Only the token on stdout, so that `TOKEN=$(hocvuso create_token ...)` works.
        self.stdout.write(raw)
