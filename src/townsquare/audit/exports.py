"""The trail as CSV or JSON, streamed a batch of rows at a time."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse

from townsquare.audit.chain import COVERED, moment
from townsquare.audit.models import AuditEvent
from townsquare.core.cells import neutralize

COLUMNS = [*COVERED, "hash"]
BATCH = 500


def as_dict(event: AuditEvent) -> dict[str, Any]:
    values = {name: getattr(event, name) for name in COLUMNS}
    values["at"] = moment(event.at)
    return values


def _batches(events: Iterable[AuditEvent]) -> Iterator[AuditEvent]:
    yield from events.iterator(chunk_size=BATCH) if hasattr(events, "iterator") else events


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for index, event in enumerate(_batches(events)):
        values = as_dict(event)
        row = []
        for name in COLUMNS:
            value = values[name]
            if name in ("before", "after"):
                value = "" if value is None else json.dumps(value, ensure_ascii=False)
            row.append(neutralize(value) if isinstance(value, str) else value)
        writer.writerow(row)
        if index % 100 == 99:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """One JSON array, streamed."""
    yield "["
    for index, event in enumerate(_batches(events)):
        yield ("," if index else "") + json.dumps(as_dict(event), ensure_ascii=False)
    yield "]\n"


def download(events: Iterable[AuditEvent], form: str) -> StreamingHttpResponse:
    """The events as an attachment: ``form`` is csv or json."""
    lines = csv_lines(events) if form == "csv" else json_lines(events)
    content_type = "text/csv; charset=utf-8" if form == "csv" else "application/json"
    response = StreamingHttpResponse(lines, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-trail.{form}"'
    return response
