from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from townsquare.accounts import services
from townsquare.accounts.models import ApiToken
from townsquare.accounts.selectors import tokens_of, user_by_username
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = "Create, list and revoke API tokens. `token create USERNAME` prints the token last."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token for an account.")
        create.add_argument("username")
        create.add_argument("--name", default="command line")
        create.add_argument("--expires-days", type=int, help="Stop working after this many days.")
        listing = actions.add_parser("list", help="List an account's tokens.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        user = user_by_username(options["username"])
        days = options["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be at least 1.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        token, secret = services.token_create(
            actor=self.actor(options), user=user, name=options["name"], expires_at=expires_at
        )
        expiry = f", expires {token.expires_at:%Y-%m-%d}" if token.expires_at else ""
        self.stdout.write(
            f"Created token {token.pk} “{token.name}” for {user.username}{expiry}. "
            "It is shown only now:"
        )
        self.stdout.write(secret)

    def _list(self, options: dict[str, Any]) -> None:
        for token in tokens_of(user=user_by_username(options["username"])):
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.pk}\t{token.prefix}…\t{token.status}\tlast used {used}\t{token.name}"
            )

    def _revoke(self, options: dict[str, Any]) -> None:
        token = ApiToken.objects.filter(pk=options["token_id"]).first()
        if token is None:
            raise CommandError(f"There is no token {options['token_id']}.")
        services.token_revoke(actor=self.actor(options), token=token)
        self.stdout.write(self.style.SUCCESS(f"Revoked token {token.pk} “{token.name}”."))
