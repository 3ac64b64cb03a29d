"""Controlled lists the catalog offers: licenses, themes, update frequencies, access levels."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class AccessLevel(models.TextChoices):
    """DCAT-US v1.1 ``accessLevel``."""

    PUBLIC = "public", "Public"
    RESTRICTED = "restricted public", "Restricted public"
    NON_PUBLIC = "non-public", "Non-public"


class State(models.TextChoices):
    """Where a dataset is in its life. Only published datasets are seen by the public; a
    published dataset's pending changes live in a working copy (governance)."""

    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    ARCHIVED = "archived", "Archived"


@dataclass(frozen=True)
class License:
    id: str  # SPDX identifier where one exists
    title: str
    url: str
    open: bool = True


LICENSES: tuple[License, ...] = (
    License(
        "CC0-1.0",
        "Creative Commons CC0 1.0 (public domain dedication)",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    License(
        "PDDL-1.0",
        "Open Data Commons Public Domain Dedication and License 1.0",
        "https://opendatacommons.org/licenses/pddl/1-0/",
    ),
    License(
        "us-pd",
        "U.S. public domain (government work)",
        "https://www.usa.gov/publicdomain/label/1.0/",
    ),
    License(
        "CC-BY-4.0",
        "Creative Commons Attribution 4.0",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    License(
        "CC-BY-SA-4.0",
        "Creative Commons Attribution-ShareAlike 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    License(
        "ODC-By-1.0",
        "Open Data Commons Attribution License 1.0",
        "https://opendatacommons.org/licenses/by/1-0/",
    ),
    License(
        "ODbL-1.0",
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
    License(
        "OGL-UK-3.0",
        "Open Government Licence 3.0 (UK)",
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
)
LICENSES_BY_ID = {license.id: license for license in LICENSES}
LICENSE_CHOICES = [(license.id, license.title) for license in LICENSES]


@dataclass(frozen=True)
class Theme:
    code: str
    label: str

    @property
    def uri(self) -> str:
        return f"http://publications.europa.eu/resource/authority/data-theme/{self.code}"


# The EU Data Theme vocabulary, which DCAT-AP 3 requires for dcat:theme.
THEMES: tuple[Theme, ...] = (
    Theme("AGRI", "Agriculture, fisheries, forestry and food"),
    Theme("ECON", "Economy and finance"),
    Theme("EDUC", "Education, culture and sport"),
    Theme("ENER", "Energy"),
    Theme("ENVI", "Environment"),
    Theme("GOVE", "Government and public sector"),
    Theme("HEAL", "Health"),
    Theme("INTR", "International issues"),
    Theme("JUST", "Justice, legal system and public safety"),
    Theme("REGI", "Regions and cities"),
    Theme("SOCI", "Population and society"),
    Theme("TECH", "Science and technology"),
    Theme("TRAN", "Transport"),
)
THEMES_BY_CODE = {theme.code: theme for theme in THEMES}
THEME_CHOICES = [(theme.code, theme.label) for theme in THEMES]

# The EU "planned availability" vocabulary, which DCAT-AP 3 recommends for distributions.
AVAILABILITY_CHOICES = [
    ("", "Not stated"),
    ("EXPERIMENTAL", "Experimental (may disappear soon)"),
    ("AVAILABLE", "Available (for a few years)"),
    ("STABLE", "Stable (for the long term)"),
    ("OP_DATPRO", "Provisional"),
]

FREQUENCY_CHOICES = [
    ("", "Not set"),
    ("R/PT1H", "Hourly"),
    ("R/P1D", "Daily"),
    ("R/P1W", "Weekly"),
    ("R/P2W", "Every two weeks"),
    ("R/P1M", "Monthly"),
    ("R/P3M", "Quarterly"),
    ("R/P6M", "Twice a year"),
    ("R/P1Y", "Yearly"),
    ("irregular", "Irregularly"),
]
FREQUENCY_LABELS = dict(FREQUENCY_CHOICES)

# Formats recognised from a file's extension: format label and IANA media type.
FORMATS_BY_EXTENSION: dict[str, tuple[str, str]] = {
    "csv": ("CSV", "text/csv"),
    "tsv": ("TSV", "text/tab-separated-values"),
    "txt": ("TXT", "text/plain"),
    "json": ("JSON", "application/json"),
    "ndjson": ("NDJSON", "application/x-ndjson"),
    "jsonl": ("NDJSON", "application/x-ndjson"),
    "geojson": ("GeoJSON", "application/geo+json"),
    "xlsx": ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "xls": ("XLS", "application/vnd.ms-excel"),
    "ods": ("ODS", "application/vnd.oasis.opendocument.spreadsheet"),
    "parquet": ("Parquet", "application/vnd.apache.parquet"),
    "zip": ("ZIP", "application/zip"),
    "gz": ("GZIP", "application/gzip"),
    "pdf": ("PDF", "application/pdf"),
    "xml": ("XML", "application/xml"),
    "kml": ("KML", "application/vnd.google-earth.kml+xml"),
    "shp": ("Shapefile", "application/x-shapefile"),
    "html": ("HTML", "text/html"),
    "png": ("PNG", "image/png"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
}
OPEN_MACHINE_READABLE_FORMATS = {
    "CSV",
    "TSV",
    "JSON",
    "NDJSON",
    "GeoJSON",
    "XML",
    "Parquet",
    "KML",
    "ODS",
}


def format_for_filename(filename: str) -> tuple[str, str]:
    """``(format, media type)`` guessed from a file name; empty strings when unknown."""
    name = filename.lower()
    if name.endswith(".shp.zip") or name.endswith(".shapefile.zip"):
        return "Shapefile", "application/zip"
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return FORMATS_BY_EXTENSION.get(extension, ("", ""))
