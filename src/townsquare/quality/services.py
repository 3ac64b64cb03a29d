"""Checking a data version: validation (in the datastore, as SQL over its Parquet file), then
the policy's severities, saved as the version's report."""

from __future__ import annotations

from django.db import transaction

from townsquare.datastore.models import DataVersion
from townsquare.datastore.validate import validate
from townsquare.quality.models import Report
from townsquare.quality.policy import severity
from townsquare.quality.privacy import scan_version


@transaction.atomic
def check_version(version: DataVersion) -> Report:
    findings = [{**found, "severity": severity(found["check"])} for found in validate(version)]
    findings += scan_version(version)
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


def report_of(version: DataVersion) -> Report | None:
    return Report.objects.filter(version=version).first()
