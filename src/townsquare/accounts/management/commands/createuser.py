from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from townsquare.accounts import services
from townsquare.accounts.models import User
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = "Create an account. Without --password, a password is generated and printed once."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password", help="Prefer the generated one: this ends up in shell history."
        )
        role = parser.add_mutually_exclusive_group()
        role.add_argument("--admin", action="store_true", help="Make the account a site admin.")
        role.add_argument(
            "--coordinator", action="store_true", help="Make the account a coordinator."
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing (and exit 0) when the account already exists.",
        )
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if options["if_missing"] and User.objects.filter(username=username).exists():
            self.stdout.write(
                f"The account {username!r} exists already; its password is unchanged."
            )
            return
        actor = self.actor(options)
        user, generated = services.user_create(
            actor=actor,
            username=username,
            email=options["email"],
            password=options["password"],
            first_name=options["first_name"],
            last_name=options["last_name"],
        )
        role = "admin" if options["admin"] else "coordinator" if options["coordinator"] else ""
        if role:
            services.user_set_site_role(actor=actor, user=user, role=role)
        self.stdout.write(
            self.style.SUCCESS(f"Created the account {username!r}{f' ({role})' if role else ''}.")
        )
        if generated:
            self.stdout.write(f"Its password (shown only now): {generated}")
