from __future__ import annotations

from typing import Any

from django import forms

from townsquare.upkeep.models import Source
from townsquare.upkeep.periods import WEEKDAYS

FORMATS = [
    ("", "Recognize it from the file"),
    ("csv", "CSV"),
    ("xlsx", "Excel (XLSX)"),
    ("json", "JSON"),
    ("geojson", "GeoJSON"),
    ("shapefile", "Zipped Shapefile"),
    ("parquet", "Parquet"),
]


class SourceForm(forms.Form):
    kind = forms.ChoiceField(choices=Source.Kind.choices, label="Source")
    url = forms.URLField(
        max_length=2000,
        label="Address",
        help_text="A direct link to the file, or the layer's address ending in /FeatureServer/0.",
        assume_scheme="https",
    )
    format = forms.ChoiceField(choices=FORMATS, required=False, label="File format")
    primary_key = forms.CharField(
        max_length=500,
        required=False,
        label="Columns that identify a row",
        help_text="Comma-separated, such as permit_number: changes are shown row by row.",
    )
    schedule = forms.ChoiceField(choices=Source.Schedule.choices, label="When")
    every_hours = forms.IntegerField(
        min_value=1, max_value=744, initial=24, required=False, label="Every how many hours"
    )
    at = forms.TimeField(
        required=False,
        label="At (the site's time)",
        help_text="For daily and weekly: 06:00.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    weekday = forms.TypedChoiceField(
        choices=list(enumerate(WEEKDAYS)), coerce=int, initial=0, label="On", required=False
    )

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "url": data["url"],
            "schedule": data["schedule"],
            "every_hours": data.get("every_hours") or 24,
            "at": data.get("at"),
            "weekday": data.get("weekday") or 0,
            "options": {name: data[name] for name in ("format", "primary_key") if data.get(name)},
        }

    @classmethod
    def of(cls, source: Source | None, data: Any = None) -> SourceForm:
        initial = {}
        if source is not None:
            initial = {
                "kind": source.kind,
                "url": source.url,
                "format": source.options.get("format", ""),
                "primary_key": source.options.get("primary_key", ""),
                "schedule": source.schedule,
                "every_hours": source.every_hours,
                "at": source.at,
                "weekday": source.weekday,
            }
        return cls(data, initial=initial)
