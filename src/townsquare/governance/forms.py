from django import forms

from townsquare.datastore.forms import FORMAT_CHOICES
from townsquare.governance.models import Document


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Text",
        help_text="Markdown. Saving records a new version; earlier versions stay visible.",
    )


class SignatoryForm(forms.Form):
    kind = forms.ChoiceField(choices=Document.Kind.choices, label="Document")
    role = forms.CharField(
        max_length=120, label="Role", help_text="For example Chief Information Officer."
    )
    username = forms.CharField(max_length=150, label="Held by (username)")


class FileForm(forms.Form):
    """One upload form for every file: a table becomes the data table (the reading options
    apply to it), anything else is attached as a document."""

    file = forms.FileField(
        label="File",
        help_text="A table (CSV, Excel, OpenDocument, JSON, GeoJSON, zipped Shapefile, Parquet) "
        "becomes the dataset's data table; any other file (a PDF, a zip of documents) is "
        "attached, and a privacy officer signs it off before the public sees it.",
    )
    title = forms.CharField(
        required=False, max_length=300, label="Title", help_text="Leave empty for the file name."
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Description"
    )
    format = forms.ChoiceField(
        choices=FORMAT_CHOICES, required=False, label="Read as (for a table)"
    )
    encoding = forms.CharField(
        required=False,
        max_length=40,
        label="Text encoding (for a table)",
        help_text="Leave empty to detect (UTF-8, Windows-1252, Latin-1).",
    )
    delimiter = forms.CharField(
        required=False,
        max_length=1,
        strip=False,
        label="Delimiter (for a table)",
        help_text="Leave empty to detect.",
    )
    sheet = forms.CharField(
        required=False,
        max_length=100,
        label="Sheet (for a spreadsheet)",
        help_text="Leave empty for the first sheet.",
    )

    def split(self) -> tuple[object, dict[str, str], dict[str, str]]:
        """The file, the reading options and the document's description."""
        values = dict(self.cleaned_data)
        upload = values.pop("file")
        options = {k: values.pop(k) for k in ("format", "encoding", "delimiter", "sheet")}
        return upload, options, values
