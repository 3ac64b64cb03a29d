"""Every reader module keeps the promise the dispatcher relies on (``readers.Reader``)."""

from __future__ import annotations

import inspect

from townsquare.datastore.readers import Reader, csv, geo, json, parquet, spreadsheet

# Checked by mypy: a module assigned to the protocol must offer ``stage`` with its signature.
MODULES: list[Reader] = [csv, geo, json, parquet, spreadsheet]


def test_every_format_has_a_reader_with_the_same_signature() -> None:
    expected = list(inspect.signature(Reader.stage).parameters)[1:]
    for module in MODULES:
        assert list(inspect.signature(module.stage).parameters) == expected, module
