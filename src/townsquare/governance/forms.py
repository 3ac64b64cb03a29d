from django import forms


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title")
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Text",
        help_text="Markdown. Saving records a new version; earlier versions stay visible.",
    )
