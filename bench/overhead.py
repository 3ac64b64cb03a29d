"""Run inside a benchmark portal (its environment, Django set up): for each records request
read from stdin (JSON: a list of paths), the time DuckDB takes in this process for the same
statements the API runs for it — the page, and the count when the request filters — so that
bench/datastore.py can report the per-request overhead (HTTP answer minus this). Prints a JSON
list of milliseconds."""

from __future__ import annotations

import json
import sys
import time
from urllib.parse import parse_qsl, urlsplit

import django

django.setup()

from townsquare.datastore.models import PublishedVersion  # noqa: E402
from townsquare.datastore.query import reads, run  # noqa: E402
from townsquare.datastore.query.records import RecordsQuery  # noqa: E402


def main() -> None:
    paths = json.load(sys.stdin)
    version = PublishedVersion.objects.select_related("version").get(dataset__slug="flights")
    version.version.dataset = version.dataset
    results = []
    for path in paths:
        values: dict[str, object] = dict(parse_qsl(urlsplit(path).query))
        for number in ("limit", "offset"):
            if number in values:
                values[number] = int(str(values[number]))
        query = RecordsQuery(**values)  # type: ignore[arg-type]
        compiled = reads.compile_for(version.version, query, want_geometry=False)
        statements = [(compiled.page(query.limit, query.offset), compiled.params)]
        if compiled.filtered or compiled.grouped:
            statements.append((compiled.count(), compiled.params[: compiled.base_params]))
        started = time.perf_counter()  # once, as the API ran them (the file is in memory)
        for sql, params in statements:
            run.fetch(sql, params)
        results.append((time.perf_counter() - started) * 1000)
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
