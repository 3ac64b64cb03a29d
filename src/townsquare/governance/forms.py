from django import forms

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
