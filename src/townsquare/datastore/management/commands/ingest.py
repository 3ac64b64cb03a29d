"""`townsquare ingest FILE --dataset SLUG`: load a file (or --url) as a new data version, in the
foreground, with a progress bar."""

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
from townsquare.quality import gate
from townsquare.quality.models import Report


class Command(TownsquareCommand):
    help = "Load a file (or a URL) into a dataset as a new data version, showing progress."

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
        self.add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["url"]):
            raise CommandError("Give a FILE or --url (one of them).")
        actor = self.actor(options)
        dataset = dataset_for_edit(actor=actor, slug=options["dataset"])
        reader = {key: options[key] for key in ("format", "encoding", "delimiter", "sheet")}
        if options["url"]:
            created = services.version_create_from_url(
                actor=actor, dataset=dataset, url=options["url"], options=reader, enqueue=False
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
        shape = f"{version.row_count:,} rows, {len(version.fields)} columns"
        report = Report.objects.filter(version=version).first()
        if report is not None and report.blocks_publication:
            raise CommandError(
                f"Version {version.number} of {dataset.slug} was read ({shape}) but is not "
                f"published: its quality report has {report.errors} error(s). See "
                f"/api/v1/datasets/{dataset.slug}/versions/{version.pk}/report."
            )
        current = published_version(dataset)
        if current is None or current.pk != version.pk:
            held = [f for f in report.findings if gate.needs_sign_off(f)] if report else []
            why = (
                f"it has {len(held)} privacy finding(s) for a privacy officer to sign off (or "
                "withhold those columns and load it again); "
                if held
                else ""
            )
            self.stdout.write(
                f"Version {version.number} of {dataset.slug} is ready ({shape}) and waits in "
                f"the working copy: {why}submit it for review to publish it."
            )
            return
        if dataset.state != "published":
            held = [f for f in report.findings if gate.needs_sign_off(f)] if report else []
            findings = (
                f" Its {len(held)} privacy finding(s) wait for a privacy officer's sign-off then."
                if held
                else ""
            )
            self.stdout.write(
                f"Version {version.number} of {dataset.slug} is ready ({shape}): it is the "
                f"data of the dataset, which is {dataset.state}, seen only inside its "
                f"organization. Submit the dataset for review to publish it.{findings}"
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Version {version.number} of {dataset.slug} is ready and published: {shape}."
            )
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
