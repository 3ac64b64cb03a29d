"""HTML forms of the catalog. They parse input into the shapes services take; the rules
(required when, valid values, permissions) are checked by the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import (
    AVAILABILITY_CHOICES,
    FREQUENCY_CHOICES,
    LICENSE_CHOICES,
    THEME_CHOICES,
    AccessLevel,
)


class ListField(forms.CharField):
    """A list of texts typed as one text, separated by commas (or by lines)."""

    def __init__(self, *, separator: str = ",", **kwargs: Any) -> None:
        self.separator = separator
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    # A CharField that cleans to a list: Django allows it, the stubs type CharField as str.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        parts = text.splitlines() if self.separator == "\n" else text.split(self.separator)
        return [part.strip() for part in parts if part.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            joiner = "\n" if self.separator == "\n" else ", "
            return joiner.join(value)
        return value


def _text(
    label: str, *, required: bool = False, help_text: str = "", **kwargs: Any
) -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text, **kwargs)


class DatasetForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label="Publisher",
        to_field_name="slug",
        help_text="The department that publishes and answers for this dataset.",
    )
    title = _text(
        "Title",
        required=True,
        max_length=300,
        help_text="Plain words a resident would search for, without acronyms.",
    )
    description = _text(
        "Description",
        required=True,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What the data is, where it comes from and its caveats. Markdown.",
    )
    keywords = ListField(label="Keywords", help_text="Separated by commas, e.g. permits, housing.")
    themes = forms.MultipleChoiceField(
        choices=THEME_CHOICES, required=False, widget=forms.CheckboxSelectMultiple, label="Themes"
    )
    contact_name = _text("Contact name", required=True, max_length=200)
    contact_email = forms.EmailField(label="Contact email")
    license = forms.ChoiceField(choices=[("", "Not specified"), *LICENSE_CHOICES], required=False)
    access_level = forms.ChoiceField(
        choices=AccessLevel.choices,
        initial=AccessLevel.PUBLIC,
        label="Access level",
        help_text="Restricted public: metadata public, data only for authorized people. "
        "Non-public: visible to the organization only.",
    )
    rights = _text(
        "Rights",
        max_length=255,
        help_text="Required unless public: why the data is restricted and how to ask.",
    )
    accrual_periodicity = forms.ChoiceField(
        choices=FREQUENCY_CHOICES, required=False, label="Update frequency"
    )
    temporal = _text(
        "Temporal coverage",
        max_length=100,
        help_text="An ISO 8601 interval such as 2020-01-01/2024-12-31.",
    )
    spatial = _text(
        "Spatial coverage",
        max_length=500,
        help_text="A place name, or a bounding box: west,south,east,north.",
    )
    issued = forms.DateField(
        required=False, label="Release date", widget=forms.DateInput(attrs={"type": "date"})
    )
    language = ListField(label="Languages", help_text="Language tags, e.g. en, es.")
    landing_page = _text("Landing page", max_length=500)
    references = ListField(
        separator="\n",
        label="Related documents",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One URL per line.",
    )
    conforms_to = _text("Data standard URL", max_length=500)
    described_by = _text("Data dictionary URL", max_length=500)
    described_by_type = _text("Data dictionary media type", max_length=100)
    is_part_of = _text(
        "Collection",
        max_length=255,
        help_text="The identifier of a collection this dataset belongs to.",
    )
    identifier = _text(
        "Identifier",
        max_length=255,
        help_text="Leave empty to have one generated. Harvesters rely on it: "
        "change it only with care.",
    )
    slug = _text(
        "Short name in the address",
        max_length=100,
        help_text="Leave empty to derive it from the title.",
    )
    data_quality = forms.NullBooleanField(
        required=False,
        label="Meets the information quality guidelines",
        widget=forms.NullBooleanSelect,
    )
    system_of_records = _text("System of records notice URL", max_length=500)
    primary_it_investment_uii = _text("Primary IT investment UII", max_length=20)
    bureau_code = ListField(label="Bureau codes (US federal)")
    program_code = ListField(label="Program codes (US federal)")
    featured = forms.BooleanField(required=False, label="Feature on the home page")
    based_on = forms.CharField(required=False, widget=forms.HiddenInput)

    GROUPS = (
        ("About the data", ("organization", "title", "description", "keywords", "themes")),
        (
            "Contact, license and access",
            ("contact_name", "contact_email", "license", "access_level", "rights"),
        ),
        (
            "Coverage and updates",
            ("accrual_periodicity", "temporal", "spatial", "issued", "language"),
        ),
        (
            "Links and documentation",
            (
                "landing_page",
                "references",
                "conforms_to",
                "described_by",
                "described_by_type",
                "is_part_of",
            ),
        ),
        ("Identity and portal", ("slug", "identifier", "featured")),
        (
            "US federal fields (optional)",
            (
                "data_quality",
                "system_of_records",
                "primary_it_investment_uii",
                "bureau_code",
                "program_code",
            ),
        ),
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        can_feature: bool,
        dataset: Dataset | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organizations = organizations
        organization = self.fields["organization"]
        assert isinstance(organization, forms.ModelChoiceField)
        organization.queryset = organizations
        current = dataset.accrual_periodicity if dataset else ""
        if current and current not in dict(FREQUENCY_CHOICES):
            frequency = self.fields["accrual_periodicity"]
            assert isinstance(frequency, forms.ChoiceField)
            frequency.choices = [*FREQUENCY_CHOICES, (current, current)]
        if not can_feature:
            del self.fields["featured"]

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.GROUPS
        ]

    def values(self) -> dict[str, Any]:
        values = dict(self.cleaned_data)
        values.pop("organization", None)
        values.pop("based_on", None)
        return values

    @staticmethod
    def initial_for(
        dataset: Dataset, proposed: dict[str, Any] | None = None, based_on: str = ""
    ) -> dict[str, Any]:
        """The published values, with a working copy's proposed ones over them."""
        initial = {
            name: getattr(dataset, name)
            for name in DatasetForm.base_fields
            if name not in ("organization", "based_on")
        }
        initial["organization"] = dataset.organization.slug
        initial.update(proposed or {})
        initial["based_on"] = based_on
        return initial


class OrganizationForm(forms.Form):
    name = _text("Name", required=True, max_length=200)
    slug = _text(
        "Short name in the address",
        max_length=100,
        help_text="Leave empty to derive it from the name.",
    )
    description = _text(
        "Description", widget=forms.Textarea(attrs={"rows": 5}), help_text="Markdown."
    )
    email = forms.EmailField(required=False, label="Contact email")
    homepage = _text("Homepage", max_length=500)
    parent = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        required=False,
        to_field_name="slug",
        label="Part of",
        help_text="The organization this one belongs to, if any.",
    )


class LinkForm(forms.Form):
    download_url = _text(
        "Download URL", max_length=1000, help_text="A direct link to a file (CSV, JSON, …)."
    )
    access_url = _text(
        "Access URL", max_length=1000, help_text="Or a page or API that gives access to the data."
    )
    title = _text("Title", max_length=300)
    description = _text("Description", widget=forms.Textarea(attrs={"rows": 3}))
    format = _text("Format", max_length=40, help_text="e.g. CSV. Guessed from the URL if empty.")
    media_type = _text("Media type", max_length=150, help_text="e.g. text/csv.")
    availability = forms.ChoiceField(
        choices=AVAILABILITY_CHOICES, required=False, label="Planned availability"
    )


class DistributionEditForm(forms.Form):
    title = _text("Title", required=True, max_length=300)
    description = _text("Description", widget=forms.Textarea(attrs={"rows": 3}))
    format = _text("Format", max_length=40)
    media_type = _text("Media type", max_length=150)
    license = forms.ChoiceField(
        choices=[("", "Same as the dataset"), *LICENSE_CHOICES], required=False
    )
    availability = forms.ChoiceField(
        choices=AVAILABILITY_CHOICES, required=False, label="Planned availability"
    )
    file = forms.FileField(
        required=False, label="Replace the file", help_text="Leave empty to keep the current file."
    )

    def __init__(self, *args: Any, distribution: Distribution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if distribution.kind == Distribution.Kind.LINK:
            del self.fields["file"]
            self.fields["download_url"] = _text("Download URL", max_length=1000)
            self.fields["access_url"] = _text("Access URL", max_length=1000)
