"""Checking a data version: validation (in the datastore, as SQL over its Parquet file) and
the privacy scan, each finding with its severity from the site's settings, saved as the
version's report."""

from __future__ import annotations

from django.db import transaction

from townsquare.datastore.models import DataVersion
from townsquare.datastore.validate import validate
from townsquare.quality.models import Report
from townsquare.quality.privacy import scan_version
from townsquare.quality.severity import severity


@transaction.atomic
def version_check(version: DataVersion) -> Report:
    findings = [{**found, "severity": severity(found["check"])} for found in validate(version)]
    withheld = version.withheld
    for found in scan_version(version):
        if found["column"] in withheld:  # published masked or coarsened: the raw values are not
            found["withheld"] = withheld[found["column"]]
        findings.append(found)
    errors = sum(1 for f in findings if f["severity"] == "error")
    report, _ = Report.objects.update_or_create(
        version=version,
        defaults={
            "findings": findings,
            "errors": errors,
            "warnings": sum(1 for f in findings if f["severity"] == "warning"),
        },
    )
    return report
