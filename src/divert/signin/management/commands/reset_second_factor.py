"""``divert reset-second-factor <username>``: for the service desk when someone loses their phone.

Removes the person's authenticator app and backup codes (audited); at their next sign-in they
set up an app again. Check who is asking before running it: with the second factor gone, the
password alone lets someone set up a new app.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from divert.signin.actions import reset_second_factor


class Command(BaseCommand):
    help = "Remove a user's authenticator app and backup codes, so they set up a new app at next sign-in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="Recorded in the audit trail, e.g. a ticket number")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user {username!r}") from exc
        removed = reset_second_factor(user, options["reason"])
        self.stdout.write(
            f"Second factor reset for {username} ({removed} records removed): "
            "they set up an authenticator app at their next sign-in."
        )
