"""What the quality pages and API show: a version's report with each privacy finding's state,
and the coordinator's dashboard of every dataset, worst first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from townsquare.catalog.models import Dataset
from townsquare.core.actors import Actor
from townsquare.core.errors import PermissionDenied
from townsquare.datastore import policies as data_policies
from townsquare.datastore.models import DataVersion, PublishedVersion
from townsquare.quality import gate, links, policies, services
from townsquare.quality.models import PrivacySignOff, Report
from townsquare.quality.score import Score, late, score

# Findings whose message is computed from the values (the outlier bounds come from the
# quartiles): those who may not read the data get these words instead.
DERIVED_MESSAGES = {"outliers": "Some values are far from the others (outliers)."}


@dataclass
class VersionReport:
    version: DataVersion
    report: Report | None
    findings: list[dict[str, Any]]
    withheld: dict[str, str]
    sign_offs: list[Any]
    score: Score

    @property
    def open_privacy(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f.get("state") == "needs sign-off"]

    @property
    def blocks_publication(self) -> bool:
        return bool(self.report and self.report.blocks_publication)


def state_of(finding: dict[str, Any], accepted: dict[tuple[str, str], Any]) -> str:
    """For privacy findings: withheld, accepted, needs sign-off, or below the bar."""
    if finding.get("withheld"):
        return f"withheld ({finding['withheld']})"
    if gate.needs_sign_off(finding):
        return "accepted" if gate.key(finding) in accepted else "needs sign-off"
    return "below the sign-off confidence"


def version_report(*, actor: Actor, dataset: Dataset, version: DataVersion) -> VersionReport:
    """The version's findings; sample values only for those who may read the data."""
    found = services.report_of(version)
    if found is None and version.status == DataVersion.Status.READY:
        found = services.version_check(version)  # versions loaded before checks existed
    with_data = data_policies.can_read_data(actor, dataset)
    accepted = gate.accepted(version)
    findings = []
    for finding in found.findings if found else []:
        shown = dict(finding)
        if not with_data:
            shown["sample"] = [{"row": s["row"]} for s in finding.get("sample", []) if "row" in s]
            if finding.get("check") in DERIVED_MESSAGES:  # the message quotes the values' range
                shown["message"] = DERIVED_MESSAGES[finding["check"]]
        if gate.is_privacy(finding):
            shown["state"] = state_of(finding, accepted)
            signed = accepted.get(gate.key(finding))
            if signed is not None and shown["state"] == "accepted":
                shown["accepted_by"] = signed.username
        findings.append(shown)
    fields = version.fields if version.status == DataVersion.Status.READY else None
    return VersionReport(
        version=version,
        report=found,
        findings=findings,
        withheld=version.withheld,
        sign_offs=list(version.privacy_sign_offs.all()),
        score=score(dataset, fields),
    )


@dataclass
class DashboardRow:
    dataset: Dataset
    score: Score
    errors: int
    warnings: int
    privacy_open: int
    broken_links: int
    late_days: int | None


def dashboard(*, actor: Actor, organization: str = "") -> list[DashboardRow]:
    """Every dataset (drafts and archived ones too), worst score first."""
    if not policies.can_see_quality_dashboard(actor):
        raise PermissionDenied("Only coordinators see the quality dashboard.")
    datasets = Dataset.objects.select_related("organization").prefetch_related(
        "distributions", "link_checks"
    )
    if organization:
        datasets = datasets.filter(organization__slug=organization)
    published = {
        p.dataset_id: p.version
        for p in PublishedVersion.objects.select_related("version").filter(dataset__in=datasets)
    }
    reports = {r.version_id: r for r in Report.objects.filter(version__in=list(published.values()))}
    rows = []
    for dataset in datasets:
        version = published.get(dataset.pk)
        report = reports.get(version.pk) if version else None
        rows.append(
            DashboardRow(
                dataset=dataset,
                score=score(dataset, version.fields if version else None),
                errors=report.errors if report else 0,
                warnings=report.warnings if report else 0,
                privacy_open=len(gate.open_findings(version)) if version else 0,
                broken_links=len(links.summary(dataset).broken),
                late_days=late(dataset),
            )
        )
    rows.sort(key=lambda r: (r.score.score, -r.errors, -r.privacy_open, r.dataset.title.lower()))
    return rows


def version_checks(versions: list[DataVersion]) -> dict[int, str]:
    """What each ready version's checks found, in a few words (the versions table), for the
    whole list in two queries: "2 errors, 1 warning, 3 privacy findings to sign off"."""
    ids = [v.pk for v in versions if v.status == DataVersion.Status.READY]
    reports = {r.version_id: r for r in Report.objects.filter(version_id__in=ids)}
    accepted: dict[int, set[tuple[str, str]]] = {pk: set() for pk in ids}
    for sign_off in PrivacySignOff.objects.filter(version_id__in=ids):
        accepted[sign_off.version_id].update(gate.key(f) for f in sign_off.findings)
    words = {}
    for pk, report in reports.items():
        waiting = len(gate.still_open(report, accepted[pk]))
        parts = [
            _counted(report.errors, "error"),
            _counted(report.warnings, "warning"),
            _counted(waiting, "privacy finding", " to sign off"),
        ]
        words[pk] = ", ".join(p for p in parts if p) or "no findings"
    return words


def _counted(count: int, noun: str, then: str = "") -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}{then}" if count else ""
