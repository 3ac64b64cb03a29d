from __future__ import annotations

from django import forms

from townsquare.audit.selectors import EventFilter


class EventFilterForm(forms.Form):
    dataset = forms.CharField(required=False, max_length=100, help_text="A dataset's slug.")
    user = forms.CharField(required=False, max_length=150, label="Person", help_text="Username.")
    action = forms.CharField(
        required=False, max_length=80, help_text="An action or its start, e.g. dataset."
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter(self) -> EventFilter:
        values = self.cleaned_data if self.is_valid() else {}
        return EventFilter(
            dataset=(values.get("dataset") or "").strip(),
            user=(values.get("user") or "").strip(),
            action=(values.get("action") or "").strip(),
            since=values.get("since"),
            until=values.get("until"),
        )
