"""`townsquare inventory import FILE` and `townsquare inventory export`: the inventory as the
spreadsheet towns keep it in (CSV or XLSX). An import reports every bad row with its line and
field and imports nothing until the file is clean; re-importing updates by identifier."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from townsquare.core.errors import Invalid
from townsquare.core.management.base import TownsquareCommand
from townsquare.readiness import services


class Command(TownsquareCommand):
    help = "Import the inventory from a CSV or XLSX file, or export it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        importing = actions.add_parser("import", help="Create or update items from a file.")
        importing.add_argument("file", help="A CSV or XLSX file with a header row.")
        self.add_actor_argument(importing)
        exporting = actions.add_parser("export", help="Write the inventory as CSV or XLSX.")
        exporting.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        exporting.add_argument(
            "--output", "-o", help="The file to write (default: standard output, CSV only)."
        )
        self.add_actor_argument(exporting)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self.actor(options)
        if options["action"] == "import":
            self._import(actor, Path(options["file"]))
        else:
            self._export(actor, options["format"], options["output"])

    def _import(self, actor: Any, path: Path) -> None:
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            imported = services.inventory_import(
                actor=actor, content=path.read_bytes(), filename=path.name
            )
        except Invalid as exc:
            for problem in exc.problems:
                where = f"line {problem['line']}" + (
                    f", {problem['field']}" if problem.get("field") else ""
                )
                self.stderr.write(f"{path.name}: {where}: {problem['message']}")
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Imported {path.name}: {len(imported.created)} created, "
            f"{len(imported.updated)} updated, {len(imported.unchanged)} unchanged."
        )

    def _export(self, actor: Any, file_format: str, output: str | None) -> None:
        if file_format == "xlsx" and not output:
            raise CommandError("An XLSX export needs --output FILE.")
        content = services.inventory_export(actor=actor, file_format=file_format)
        if output:
            Path(output).write_bytes(content)
            self.stdout.write(f"Wrote {output}.")
        else:
            sys.stdout.flush()
            self.stdout.write(content.decode("utf-8"), ending="")
