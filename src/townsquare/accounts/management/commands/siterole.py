from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from townsquare.accounts import services
from townsquare.accounts.selectors import user_by_username
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = "Give an account a site role: admin, coordinator or none."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("role", choices=["admin", "coordinator", "none"])
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_by_username(options["username"])
        role = "" if options["role"] == "none" else options["role"]
        services.user_set_site_role(actor=self.actor(options), user=user, role=role)
        self.stdout.write(
            self.style.SUCCESS(f"{user.username} now has the site role: {options['role']}.")
        )
