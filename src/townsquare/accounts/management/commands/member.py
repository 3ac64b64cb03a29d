from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from townsquare.accounts import services
from townsquare.accounts.models import OrgRole
from townsquare.accounts.selectors import members_of, user_by_username
from townsquare.catalog.selectors import organization_by_slug
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = (
        "Manage organization roles: member add|remove ORGANIZATION USERNAME ROLE, "
        "member list ORGANIZATION."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name in ("add", "remove"):
            sub = actions.add_parser(name)
            sub.add_argument("organization", help="The organization's slug.")
            sub.add_argument("username")
            sub.add_argument("role", choices=OrgRole.values)
            self.add_actor_argument(sub)
        listing = actions.add_parser("list")
        listing.add_argument("organization")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = organization_by_slug(options["organization"])
        if options["action"] == "list":
            for membership in members_of(organization=organization):
                self.stdout.write(f"{membership.user.username}\t{membership.role}")
            return
        user = user_by_username(options["username"])
        change = (
            services.membership_add if options["action"] == "add" else services.membership_remove
        )
        change(
            actor=self.actor(options), organization=organization, user=user, role=options["role"]
        )
        verb = "is now" if options["action"] == "add" else "is no longer"
        self.stdout.write(
            self.style.SUCCESS(f"{user.username} {verb} {options['role']} of {organization.name}.")
        )
