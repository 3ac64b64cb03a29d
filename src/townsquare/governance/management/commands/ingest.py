"""`townsquare ingest FILE --dataset SLUG`: load a file (or --url) as a new data version, in the
foreground, with a progress bar. The version then follows the publication decision like any
other (quality errors block it, privacy findings and the approval policy hold it in the working
copy); ``--publish`` overrides the policy's review, recorded in the audit trail as an override.
The command lives in governance because it reports that decision."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.management.base import CommandError
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from townsquare.catalog.selectors import dataset_for_edit
from townsquare.core.management.base import TownsquareCommand
from townsquare.datastore import services
from townsquare.datastore.models import DataVersion
from townsquare.datastore.selectors import published_version
from townsquare.governance import decision
from townsquare.quality import gate


class Command(TownsquareCommand):
    help = "Load a file (or a URL) into a dataset as a new data version, showing progress."
    # A data command: Django's system checks (which import every URL and view, about a
    # second) are for `serve`, `migrate` and `check`, not for each file loaded.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="The file to load.")
        parser.add_argument("--dataset", required=True, help="The dataset's slug.")
        parser.add_argument("--url", help="Fetch the source from this URL instead of a file.")
        parser.add_argument(
            "--format", default="", help="csv, xlsx, json, ndjson, geojson, shapefile or parquet."
        )
        parser.add_argument(
            "--encoding", default="", help="The text encoding, if detection gets it wrong."
        )
        parser.add_argument(
            "--delimiter", default="", help="The CSV delimiter, if detection gets it wrong."
        )
        parser.add_argument(
            "--sheet", default="", help="The spreadsheet's sheet (default: the first)."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help=(
                "Publish it without the approval policy's review (the operator and "
                "coordinators; recorded in the audit trail as an override). Quality errors and "
                "privacy findings still hold it."
            ),
        )
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["url"]):
            raise CommandError("Give a FILE or --url (one of them).")
        actor = self.actor(options)
        dataset = dataset_for_edit(actor=actor, slug=options["dataset"])
        reader = {key: options[key] for key in ("format", "encoding", "delimiter", "sheet")}
        if options["url"]:
            created = services.version_create_from_url(
                actor=actor,
                dataset=dataset,
                url=options["url"],
                options=reader,
                enqueue=False,
                override=options["publish"],
            )
        else:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"There is no file {path}.")
            with path.open("rb") as handle:
                created = services.version_create(
                    actor=actor,
                    dataset=dataset,
                    upload=File(handle, name=path.name),
                    options=reader,
                    enqueue=False,
                    override=options["publish"],
                )
        if created.duplicate_of is not None:
            self.stdout.write(
                f"This file is identical to version {created.duplicate_of.number} "
                f"({created.duplicate_of.status}); nothing new was ingested."
            )
            return
        version = self._ingest(created.version)
        if version.status != DataVersion.Status.READY:
            raise CommandError(f"Version {version.number} failed: {version.error}")
        self.stdout.write(self._outcome(version))

    def _outcome(self, version: DataVersion) -> str:
        """What became of the version, in the publication decision's words."""
        dataset = version.dataset
        dataset.refresh_from_db()
        verdict = decision.data_version(version)
        name = f"Version {version.number} of {dataset.slug}"
        shape = f"{version.row_count:,} rows, {len(version.fields)} columns"
        if verdict.blocked:
            raise CommandError(
                f"{name} was read ({shape}) but is not published: its quality report has "
                f"{verdict.errors} error(s). See "
                f"/api/v1/datasets/{dataset.slug}/versions/{version.pk}/report."
            )
        held = len(gate.open_findings(version))
        current = published_version(dataset)
        if current is not None and current.pk == version.pk and dataset.state == "published":
            spared = (
                " without review: your --publish override is in the audit trail"
                if verdict.overridden
                else ""
            )
            return str(self.style.SUCCESS(f"{name} is ready and published{spared}: {shape}."))
        if dataset.state != "published":
            findings = (
                f" Its {held} privacy finding(s) wait for a privacy officer's sign-off then."
                if held
                else ""
            )
            return (
                f"{name} is ready ({shape}): it is the data of the dataset, which is "
                f"{dataset.state}, seen only inside its organization. Submit the dataset for "
                f"review to publish it.{findings}"
            )
        return (
            f"{name} is ready ({shape}) and waits in the working copy: "
            f"{'; '.join(_why_held(verdict, held))}. Submit it for review to publish it."
        )

    def _ingest(self, version: DataVersion) -> DataVersion:
        columns = (
            TextColumn("{task.description:<12}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[rows]:>12,} rows"),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=None, transient=False) as bar:
            task = bar.add_task("starting", total=100, rows=0)

            def show(phase: str, percent: float, rows: int) -> None:
                bar.update(task, completed=percent, description=phase, rows=rows)

            result = services.version_ingest(version.pk, listener=show)
            bar.update(
                task,
                completed=100 if result.status == DataVersion.Status.READY else None,
                description=result.status,
                rows=result.row_count or 0,
            )
        return result


def _why_held(verdict: decision.Decision, held: int) -> list[str]:
    why = []
    if verdict.privacy:
        why.append(
            f"it has {held} privacy finding(s) for a privacy officer to sign off (or "
            "withhold those columns and load it again)"
        )
    if verdict.reasons:
        why.append(
            "the approval policy reviews new data versions (load it with --publish to "
            "publish it at once, recorded as an override)"
        )
    return why
