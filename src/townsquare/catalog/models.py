"""Organizations, datasets and distributions, with the DCAT-US v1.1 (non-federal) fields and
the DCAT-AP 3 mandatory and recommended ones. Field names follow Django style; the mapping to
DCAT-US names is in ``catalog/dcat.py``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator
from django.db import models
from django.utils import timezone

from townsquare.catalog import freshness
from townsquare.catalog import validators as v
from townsquare.catalog.vocabularies import (
    AVAILABILITY_CHOICES,
    LICENSE_CHOICES,
    THEMES_BY_CODE,
    AccessLevel,
    State,
)

# The metadata a steward edits: DCAT-US v1.1 fields (mapping in docs/api.md) and the portal's own.
METADATA_FIELDS = (
    "identifier",
    "slug",
    "title",
    "description",
    "keywords",
    "themes",
    "contact_name",
    "contact_email",
    "license",
    "access_level",
    "rights",
    "accrual_periodicity",
    "temporal",
    "spatial",
    "issued",
    "language",
    "landing_page",
    "references",
    "conforms_to",
    "described_by",
    "described_by_type",
    "is_part_of",
    "data_quality",
    "system_of_records",
    "primary_it_investment_uii",
    "bureau_code",
    "program_code",
    "featured",
    "extras",
)


def _new_identifier() -> str:
    return str(uuid.uuid4())


class Organization(models.Model):
    """A department or other publishing body (DCAT ``publisher``)."""

    slug = models.SlugField(max_length=100, unique=True, validators=[v.validate_slug_not_reserved])
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True, help_text="Markdown.")
    email = models.EmailField(blank=True, help_text="A contact address for the organization.")
    homepage = models.URLField(validators=[v.validate_http_url], blank=True, max_length=500)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The organization this one is part of (DCAT-US subOrganizationOf).",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Dataset(models.Model):
    # Identity
    identifier = models.CharField(max_length=255, unique=True, default=_new_identifier)
    slug = models.SlugField(max_length=100, unique=True, validators=[v.validate_slug_not_reserved])
    title = models.CharField(max_length=300, validators=[MinLengthValidator(3)])
    description = models.TextField(help_text="Markdown.")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="datasets",
        help_text="The publisher.",
    )
    keywords = models.JSONField(default=list, blank=True, validators=[v.validate_keywords])
    themes = models.JSONField(default=list, blank=True, validators=[v.validate_string_list])
    # Contact and rights
    contact_name = models.CharField(max_length=200)
    contact_email = models.EmailField()
    license = models.CharField(max_length=40, blank=True, choices=LICENSE_CHOICES)
    access_level = models.CharField(
        max_length=20, choices=AccessLevel.choices, default=AccessLevel.PUBLIC
    )
    rights = models.CharField(max_length=255, blank=True)
    # Coverage and currency
    accrual_periodicity = models.CharField(
        "update frequency", max_length=100, blank=True, validators=[v.validate_frequency]
    )
    temporal = models.CharField(
        "temporal coverage", max_length=100, blank=True, validators=[v.validate_temporal]
    )
    spatial = models.CharField("spatial coverage", max_length=500, blank=True)
    issued = models.DateField(null=True, blank=True)
    modified = models.DateTimeField(default=timezone.now)
    language = models.JSONField(default=list, blank=True, validators=[v.validate_languages])
    # Links
    landing_page = models.URLField(validators=[v.validate_http_url], blank=True, max_length=500)
    references = models.JSONField(default=list, blank=True, validators=[v.validate_url_list])
    conforms_to = models.URLField(validators=[v.validate_http_url], blank=True, max_length=500)
    described_by = models.URLField(
        "data dictionary URL", blank=True, max_length=500, validators=[v.validate_http_url]
    )
    described_by_type = models.CharField(
        "data dictionary media type",
        max_length=100,
        blank=True,
        validators=[v.validate_media_type],
    )
    is_part_of = models.CharField("collection", max_length=255, blank=True)
    # DCAT-US fields meant for US federal agencies; optional here.
    data_quality = models.BooleanField(null=True, blank=True)
    system_of_records = models.CharField(max_length=500, blank=True)
    primary_it_investment_uii = models.CharField(
        max_length=20, blank=True, validators=[v.validate_uii]
    )
    bureau_code = models.JSONField(default=list, blank=True, validators=[v.validate_bureau_codes])
    program_code = models.JSONField(default=list, blank=True, validators=[v.validate_program_codes])
    # Freshness, kept by the upkeep app's evaluation (the formula is catalog/freshness.py).
    freshness = models.CharField(
        max_length=12, blank=True, choices=freshness.State.choices, default=""
    )
    update_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next data update is (or was) due."
    )
    # Portal
    state = models.CharField(max_length=12, choices=State.choices, default=State.DRAFT)
    revision = models.PositiveIntegerField(
        default=1, help_text="Counts saves: an edit based on an older revision is refused."
    )
    featured = models.BooleanField(default=False)
    extras = models.JSONField(default=dict, blank=True, help_text="Custom fields.")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["title"]
        indexes = [
            models.Index(fields=["-modified", "-id"], name="dataset_modified"),
            models.Index(fields=["title", "id"], name="dataset_title"),
            models.Index(fields=["access_level"], name="dataset_access_level"),
            models.Index(fields=["freshness", "update_due_at"], name="dataset_freshness"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, str] = {}
        unknown = [code for code in self.themes or [] if code not in THEMES_BY_CODE]
        if unknown:
            errors["themes"] = f"Unknown theme(s): {', '.join(map(str, unknown))}."
        if self.access_level != AccessLevel.PUBLIC and not self.rights.strip():
            errors["rights"] = (
                "Explain the restriction: DCAT-US requires rights when the access level is "
                "restricted public or non-public."
            )
        if not isinstance(self.extras, dict):
            errors["extras"] = "Custom fields must be an object of names and values."
        if errors:
            raise ValidationError(errors)


def distribution_file_path(instance: Distribution | None, filename: str) -> str:
    """Files live under a random folder: a stored path reveals nothing and cannot be guessed."""
    return f"distributions/{uuid.uuid4().hex}/{filename}"


class Distribution(models.Model):
    """One way to get a dataset: an uploaded file or a link to one (DCAT ``distribution``)."""

    class Kind(models.TextChoices):
        FILE = "file", "Uploaded file"
        LINK = "link", "Link"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    file = models.FileField(upload_to=distribution_file_path, max_length=500, blank=True)
    download_url = models.URLField(
        validators=[v.validate_http_url],
        blank=True,
        max_length=1000,
        help_text="A direct link to a downloadable file.",
    )
    access_url = models.URLField(
        validators=[v.validate_http_url],
        blank=True,
        max_length=1000,
        help_text="A page or API that gives access to the data.",
    )
    format = models.CharField(max_length=40, blank=True)
    media_type = models.CharField(max_length=150, blank=True, validators=[v.validate_media_type])
    byte_size = models.BigIntegerField(null=True, blank=True)
    checksum_sha256 = models.CharField(max_length=64, blank=True)
    license = models.CharField(
        max_length=40,
        blank=True,
        choices=LICENSE_CHOICES,
        help_text="Leave empty to use the dataset's license.",
    )
    conforms_to = models.URLField(validators=[v.validate_http_url], blank=True, max_length=500)
    described_by = models.URLField(validators=[v.validate_http_url], blank=True, max_length=500)
    described_by_type = models.CharField(
        max_length=100, blank=True, validators=[v.validate_media_type]
    )
    availability = models.CharField(
        max_length=20,
        blank=True,
        choices=AVAILABILITY_CHOICES,
        help_text="How long the distribution is planned to stay available (DCAT-AP).",
    )
    position = models.PositiveIntegerField(default=0)
    pending = models.BooleanField(
        default=False, help_text="Added in a working copy: not public until it is approved."
    )

    class Privacy(models.TextChoices):
        NOT_NEEDED = "", "Not needed (a link to a page or service)"
        REQUIRED = "required", "Needs a privacy officer's sign-off"
        ACCEPTED = "accepted", "Accepted by a privacy officer"

    # A file that cannot be read as a table (a PDF, a zip of documents) is not scanned for
    # personal data: a privacy officer looks at it and signs it off before the public sees it.
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default="", blank=True)
    privacy_accepted_by = models.CharField(max_length=150, blank=True)
    privacy_accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

    def clean(self) -> None:
        if self.kind == self.Kind.LINK and not (self.download_url or self.access_url):
            raise ValidationError({"download_url": "Give a download URL or an access URL."})
        if self.kind == self.Kind.LINK and self.download_url and not self.media_type:
            raise ValidationError(
                {
                    "media_type": (
                        "DCAT-US requires a media type (such as text/csv) with a download URL."
                    )
                }
            )
        if self.kind == self.Kind.FILE and not self.file:
            raise ValidationError({"file": "Choose a file to upload."})


class SearchDocument(models.Model):
    """The searchable text of one dataset, kept by catalog/search.py. The full-text index over
    it is the database's own: an FTS5 table on SQLite, a weighted tsvector on PostgreSQL."""

    dataset = models.OneToOneField(
        Dataset, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    title = models.TextField()
    keywords = models.TextField(blank=True)
    organization = models.TextField(blank=True)
    description = models.TextField(blank=True)
    formats = models.CharField(
        max_length=200, blank=True, help_text="The distributions' formats, for result lists."
    )

    def __str__(self) -> str:
        return self.title


class FacetTerm(models.Model):
    """One value of one facet (organization, theme, keyword, format, license, access level)."""

    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=300)
    dataset_count = models.IntegerField(
        default=0, help_text="How many datasets have this term; kept exact by catalog/search.py."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["facet", "value"], name="facet_term_unique")]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class DatasetFacet(models.Model):
    """A dataset has a facet term. Facet counts are one GROUP BY over small integers, on either
    database; the two composite indexes serve counting (by dataset) and filtering (by term)."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="+", db_index=False)
    term = models.ForeignKey(FacetTerm, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dataset", "term"], name="dataset_facet_unique")
        ]
        indexes = [models.Index(fields=["term", "dataset"], name="dataset_facet_term")]

    def __str__(self) -> str:
        return f"{self.dataset_id}: {self.term_id}"


class SearchChange(models.Model):
    """A dataset whose search entries changed, and in which change of the catalog
    (``SearchGeneration``): each process's search snapshot applies the changes it has not seen.
    Kept for the last few thousand changes; a process further behind rebuilds."""

    generation = models.BigIntegerField(db_index=True)
    token = models.CharField(max_length=32, help_text="The generation's token.")
    dataset_id = models.BigIntegerField(help_text="Not a foreign key: deleted datasets too.")

    def __str__(self) -> str:
        return f"{self.generation}: {self.dataset_id}"


class SearchGeneration(models.Model):
    """The catalog's search entries as a counter, one row: every transaction that changes them
    increments it, holding the row's lock until it commits, so changes commit in counter order.
    The token is new each time, so that a change rolled back and another given the same number
    are told apart."""

    value = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"{self.value} ({self.token})"


class AccessGrant(models.Model):
    """A signed-in person's request to read a restricted public dataset's data, and the
    decision on it. Only a granted one that was not revoked opens the data."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        GRANTED = "granted", "Granted"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="access_grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_grants"
    )
    reason = models.TextField(help_text="Why the person needs the data.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "user"],
                condition=models.Q(status__in=["requested", "granted"]),
                name="one_open_access_grant",
            )
        ]
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.dataset} ({self.status})"
