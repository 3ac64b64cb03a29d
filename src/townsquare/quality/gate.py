"""The privacy gate, in one place: which privacy findings of a data version must be cleared
before its data is seen outside the organization, and whether they are.

A finding is cleared when the steward withheld its column for publication (excluded, masked
or coarsened: the published file then lacks the raw values) or when a privacy officer signed
off the version accepting it. Findings below the site's confidence threshold are warnings."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from townsquare.datastore.models import DataVersion
from townsquare.quality.checking import version_check
from townsquare.quality.models import PrivacySignOff, Report


def is_privacy(finding: dict[str, Any]) -> bool:
    return finding.get("severity") == "privacy"


def needs_sign_off(finding: dict[str, Any]) -> bool:
    return (
        is_privacy(finding)
        and not finding.get("withheld")
        and 100 * float(finding.get("confidence", 1)) >= settings.QUALITY_PRIVACY_SIGN_OFF
    )


def key(finding: dict[str, Any]) -> tuple[str, str]:
    return (str(finding.get("check")), str(finding.get("column")))


def accepted(version: DataVersion) -> dict[tuple[str, str], PrivacySignOff]:
    """Findings accepted by a privacy officer for this version, and by whom."""
    found: dict[tuple[str, str], PrivacySignOff] = {}
    for sign_off in PrivacySignOff.objects.filter(version=version):
        for finding in sign_off.findings:
            found.setdefault(key(finding), sign_off)
    return found


def open_findings(version: DataVersion) -> list[dict[str, Any]]:
    """The version's privacy findings that still need a sign-off (its report made if none)."""
    report = Report.objects.filter(version=version).first()
    if report is None:
        if version.status != DataVersion.Status.READY:
            return []
        report = version_check(version)
    if not any(needs_sign_off(f) for f in report.findings):
        return []
    return still_open(report, set(accepted(version)))


def still_open(report: Report, accepted_keys: set[tuple[str, str]]) -> list[dict[str, Any]]:
    """The report's findings that need a sign-off and are not among those accepted."""
    return [f for f in report.findings if needs_sign_off(f) and key(f) not in accepted_keys]


def cleared(version: DataVersion | None) -> bool:
    return version is None or not open_findings(version)
