from django import forms

FORMAT_CHOICES = [
    ("", "Detect from the file"),
    ("csv", "CSV or other delimited text"),
    ("xlsx", "Spreadsheet (Excel, OpenDocument)"),
    ("json", "JSON array"),
    ("ndjson", "Newline-delimited JSON"),
    ("geojson", "GeoJSON"),
    ("shapefile", "Zipped Shapefile"),
    ("parquet", "Parquet"),
]


class LoadForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="CSV, Excel, JSON, GeoJSON, zipped Shapefile or Parquet."
    )
    format = forms.ChoiceField(choices=FORMAT_CHOICES, required=False, label="Format")
    encoding = forms.CharField(
        required=False,
        max_length=40,
        label="Text encoding",
        help_text="Leave empty to detect (UTF-8, Windows-1252, Latin-1).",
    )
    delimiter = forms.CharField(
        required=False,
        max_length=1,
        strip=False,
        label="Delimiter",
        help_text="Leave empty to detect.",
    )
    sheet = forms.CharField(
        required=False, max_length=100, label="Sheet", help_text="Leave empty for the first sheet."
    )
