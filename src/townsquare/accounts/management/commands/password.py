"""`townsquare password NAME` (also `townsquare changepassword NAME`): set an account's
password, asked twice at a terminal, or for scripts read from a file (`--password-file F`) or
standard input (`--stdin`, the first line). The password rules apply; the change is audited."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from townsquare.accounts import selectors, services
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = "Set an account's password: asked at a terminal, or from a file or standard input."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        given = parser.add_mutually_exclusive_group()
        given.add_argument("--password-file", help="Read the password from this file.")
        given.add_argument(
            "--stdin", action="store_true", help="Read the password from standard input."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = selectors.user_by_username(options["username"])
        if options["password_file"]:
            try:
                password = Path(options["password_file"]).read_text().splitlines()[0]
            except (OSError, IndexError):
                raise CommandError(
                    f"Cannot read a password from {options['password_file']}."
                ) from None
        elif options["stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
        elif sys.stdin.isatty():
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
        else:
            raise CommandError(
                "No terminal to ask the password at: give it with --password-file FILE or --stdin."
            )
        services.password_set(actor=self.actor(options), user=user, password=password)
        self.stdout.write(self.style.SUCCESS(f"The password of {user.username} was changed."))
