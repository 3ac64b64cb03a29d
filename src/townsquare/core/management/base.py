"""What every townsquare command shares: acting as the operator or as a named user, and
turning domain errors into a clear message and a non-zero exit instead of a traceback."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from townsquare.core.actors import SYSTEM, Actor
from townsquare.core.errors import DomainError


class TownsquareCommand(BaseCommand):
    def add_actor_argument(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--as",
            dest="acting_as",
            metavar="USERNAME",
            help=(
                "Act as this user, with their permissions "
                "(default: the operator, who may do anything)."
            ),
        )

    def actor(self, options: dict[str, Any]) -> Actor:
        username = options.get("acting_as")
        if not username:
            return SYSTEM
        from townsquare.accounts.selectors import user_by_username

        self.acting = user_by_username(username)
        return self.acting

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            problems = (
                [
                    f"{field}: {message}"
                    for field, messages in exc.message_dict.items()
                    for message in messages
                ]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            raise CommandError("; ".join(problems)) from exc
        except DomainError as exc:
            from townsquare.audit.services import record_refusal

            record_refusal(exc, getattr(self, "acting", SYSTEM), address="")
            raise CommandError(exc.message) from exc
