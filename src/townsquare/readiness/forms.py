"""The inventory's pages' forms. Their fields are the spreadsheet's columns: what a form sends
is checked by the same rules as a file's row (rows.one)."""

from __future__ import annotations

from typing import Any

from django import forms

from townsquare.catalog.vocabularies import LICENSE_CHOICES, AccessLevel
from townsquare.readiness import columns
from townsquare.readiness.factors import FACTORS, MAX_WEIGHT
from townsquare.readiness.models import InventoryItem, Program

BLANK = [("", "—")]


class ItemForm(forms.Form):
    identifier = forms.CharField(max_length=100, help_text="Its key in the spreadsheet.")
    title = forms.CharField(max_length=300)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    department = forms.ChoiceField()
    steward = forms.CharField(required=False, help_text="A username or an email address.")
    source_system = forms.CharField(required=False)
    format = forms.CharField(required=False)
    update_frequency = forms.CharField(
        required=False, help_text="ISO 8601, e.g. R/P1M (monthly), or irregular."
    )
    access_level = forms.ChoiceField(choices=AccessLevel.choices)
    reason = forms.ChoiceField(
        label="Cannot release because", choices=BLANK + InventoryItem.Reason.choices, required=False
    )
    reason_note = forms.CharField(
        label="The reason, in words", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    privacy = forms.ChoiceField(
        label="Privacy classification", choices=InventoryItem.Privacy.choices
    )
    license = forms.ChoiceField(choices=BLANK + LICENSE_CHOICES, required=False)
    state = forms.ChoiceField(choices=InventoryItem.State.choices)
    dataset = forms.CharField(required=False, help_text="The published dataset's slug.")
    risk_resolved = forms.BooleanField(required=False, label="Its marked risks are handled")
    verified = forms.BooleanField(
        required=False, label="Verified with the working group (the entry is right)"
    )

    def __init__(
        self, *args: Any, departments: list[tuple[str, str]], editing: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = departments
        for factor in FACTORS:
            scale = factor.group != "demand"
            self.fields[factor.name] = forms.IntegerField(
                label=factor.label.capitalize() + (" (0–3)" if scale else " (count)"),
                min_value=0,
                max_value=3 if scale else None,
                initial=0,
            )
        if editing:
            self.fields["identifier"].disabled = True

    @staticmethod
    def initial_for(item: InventoryItem) -> dict[str, Any]:
        initial: dict[str, Any] = {c.name: columns.cell(item, c.name) for c in columns.COLUMNS}
        initial["risk_resolved"] = item.risk_resolved
        initial["verified"] = item.verified
        return initial

    def values(self) -> dict[str, Any]:
        """What the form sends, as the columns rows.one checks."""
        data = dict(self.cleaned_data)
        if self.fields["identifier"].disabled:
            data.pop("identifier", None)
        return data


class UploadForm(forms.Form):
    file = forms.FileField(help_text="CSV or XLSX, with a header row.")


class PrioritiesForm(forms.Form):
    shortlist_target = forms.IntegerField(
        label="Launch shortlist target", min_value=1, max_value=100
    )
    min_score = forms.IntegerField(
        label="Lowest metadata score of a launch dataset", min_value=0, max_value=100
    )
    review_months = forms.IntegerField(
        label="Review the purpose and the policy every (months)", min_value=1, max_value=60
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for factor in FACTORS:
            self.fields[factor.name] = forms.IntegerField(
                label=f"Weight of {factor.label}", min_value=0, max_value=MAX_WEIGHT
            )

    @staticmethod
    def initial_for(program: Program, weights: dict[str, int]) -> dict[str, Any]:
        return {
            "shortlist_target": program.shortlist_target,
            "min_score": program.min_score,
            "review_months": program.review_months,
            **weights,
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        settings = {k: data.pop(k) for k in ("shortlist_target", "min_score", "review_months")}
        return {"weights": data, **settings}
