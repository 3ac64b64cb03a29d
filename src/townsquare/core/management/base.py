"""What every townsquare command shares: acting as the operator or as a named user, and
turning domain errors into a clear message and a non-zero exit instead of a traceback."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from townsquare.core import refusals
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
        acting = get_user_model().objects.filter(username=username).first()
        if acting is None:
            raise CommandError(f"There is no account {username!r}.")
        self.acting = acting
        return acting

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
            refusals.report(exc, getattr(self, "acting", SYSTEM), address="")
            raise CommandError(exc.message) from exc
