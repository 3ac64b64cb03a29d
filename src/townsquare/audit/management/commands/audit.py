"""`townsquare audit verify [--head HASH]`: check the whole chain, and compare it with the head
kept outside the database (TOWNSQUARE_AUDIT_HEAD_FILE) or the hash given; `townsquare audit
head [--keep]`: the newest event's number and hash (``--keep``: start the head file from the
database's newest event, after checking the trail); `townsquare audit export --format
csv|json`: the whole trail to standard output."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Generator
from typing import Any, cast

from django.conf import settings
from django.core.management.base import CommandError

from townsquare.audit import exports, heads, selectors
from townsquare.audit.chain import first_break
from townsquare.audit.models import AuditEvent
from townsquare.core.management.base import TownsquareCommand


class Command(TownsquareCommand):
    help = "Verify, show the head of, or export the audit trail."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        verify = commands.add_parser("verify", help="Check every event's hash and link.")
        verify.add_argument(
            "--head", help="The hash the newest event must have (from an earlier `audit head`)."
        )
        head = commands.add_parser("head", help="Print the newest event's number and hash.")
        head.add_argument(
            "--keep",
            action="store_true",
            help="Also write it to the head file (to start it, or after restoring a backup).",
        )
        export = commands.add_parser("export", help="Write the whole trail to standard output.")
        export.add_argument("--format", choices=["csv", "json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "verify":
            self._verify(options.get("head"))
        elif options["command"] == "head":
            last = selectors.chain().last()
            self.stdout.write(f"{last.number} {last.hash}" if last else "0 (the trail is empty)")
            if options["keep"] and last is not None:
                heads.keep(last.number, last.hash)
                self.stdout.write(f"Kept in {settings.AUDIT_HEAD_FILE}.")
        else:
            lines = exports.csv_lines if options["format"] == "csv" else exports.json_lines
            for text in lines(selectors.chain()):
                self.stdout.write(text, ending="")

    def _verify(self, head: str | None) -> None:
        kept = heads.latest()
        if kept is None and head is None and selectors.chain().exists():
            raise CommandError(
                f"The audit trail's head kept outside the database ({settings.AUDIT_HEAD_FILE}) "
                "is missing, so removed or forged events cannot be found. Restore it from the "
                "backup made with the database; or check the trail against a head you kept "
                "(`audit verify --head HASH`) and start a new file with `audit head --keep`."
            )
        events = cast(Generator[AuditEvent], selectors.chain().iterator(chunk_size=2000))
        try:
            broken = first_break(events, head=head, kept=kept)
        finally:
            events.close()  # a break stops the walk early: close the server-side cursor now
        if broken is not None:
            raise CommandError(
                f"The audit trail is broken at event #{broken.number}: {broken.reason}."
            )
        count = selectors.chain().count()
        self.stdout.write(self.style.SUCCESS(f"The audit trail is intact: {count:,} events."))
