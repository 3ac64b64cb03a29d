"""DCAT-AP 3 as Turtle, RDF/XML and JSON-LD (rdflib), valid against the DCAT-AP 3 SHACL shapes,
mandatory and recommended (pyshacl), with Hydra paging, modified_since and content
negotiation; only public datasets."""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH

from townsquare.catalog.models import Dataset
from townsquare.datastore.tests.helpers import flights_csv, ingest
from townsquare.interop import dcat_ap

pytestmark = pytest.mark.django_db
SHAPES = Path(dcat_ap.__file__).with_name("schemas") / "dcat-ap-3"
HYDRA = dcat_ap.HYDRA


def fetch(client: Client, path: str, form: str = "turtle", accept: str = "") -> Graph:
    response = client.get(path, headers={"Accept": accept} if accept else None)
    assert response.status_code == 200, response.content[:300]
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated class
        warnings.simplefilter("ignore", DeprecationWarning)
        return Graph().parse(data=response.content, format=form)


def shacl(data: Graph) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"Violation": [], "Warning": []}
    for name in ("shapes.ttl", "shapes_recommended.ttl"):
        shapes = Graph().parse(SHAPES / name, format="turtle")
        _, report, _ = validate(data, shacl_graph=shapes, inference="none")
        for result in report.subjects(RDF.type, SH.ValidationResult):
            severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
            found.setdefault(severity, []).append(
                f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
                f"{report.value(result, SH.resultMessage)}"
            )
    return found


@pytest.fixture
def complete(public_works: Any, make_dataset: Any) -> Dataset:
    dataset = make_dataset(
        public_works,
        slug="air-quality",
        title="Air quality",
        description="Hourly readings of the town's air quality sensors.",
        accrual_periodicity="monthly",
        temporal="2020-01-01/2024-12-31",
        spatial="-71.2,42.2,-70.9,42.4",
        issued=date(2020, 2, 1),
        language=["en"],
    )
    ingest(dataset, "flights.csv", flights_csv(10))
    made: Dataset = dataset
    return made


@pytest.mark.parametrize(
    ("extension", "form"), [("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")]
)
def test_catalog_in_each_syntax_has_no_violations(
    client: Client, town: Any, complete: Dataset, extension: str, form: str
) -> None:
    made = fetch(client, f"/catalog.{extension}", form)
    datasets = set(made.subjects(RDF.type, DCAT.Dataset))
    assert URIRef("http://127.0.0.1:8000/datasets/air-quality") in datasets
    assert URIRef("http://127.0.0.1:8000/datasets/staff-phones") not in datasets
    assert len(datasets) == 4
    results = shacl(made)
    assert results["Violation"] == []


def test_a_complete_dataset_meets_the_recommended_shapes_too(
    client: Client, complete: Dataset
) -> None:
    made = fetch(client, "/datasets/air-quality.ttl")
    results = shacl(made)
    assert results["Violation"] == []
    assert results["Warning"] == [], "\n".join(results["Warning"])
    subject = URIRef("http://127.0.0.1:8000/datasets/air-quality")
    assert made.value(subject, DCTERMS.accrualPeriodicity) == URIRef(
        "http://publications.europa.eu/resource/authority/frequency/MONTHLY"
    )
    assert (
        subject,
        DCAT.theme,
        URIRef("http://publications.europa.eu/resource/authority/data-theme/REGI"),
    ) in made
    licences = set(made.objects(None, DCTERMS.license))
    assert URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0") in licences
    assert set(made.subjects(RDF.type, DCAT.DataService))


def test_hydra_paging_and_modified_since(client: Client, town: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr(dcat_ap, "PAGE_SIZE", 2)
    first = fetch(client, "/catalog.ttl")
    catalog = URIRef("http://127.0.0.1:8000/catalog")
    assert str(first.value(catalog, HYDRA.totalItems)) == "3"
    view = first.value(catalog, HYDRA.view)
    following = first.value(view, HYDRA.next)
    assert str(following) == "http://testserver/catalog.ttl?page=2"
    second = fetch(client, "/catalog.ttl?page=2")
    assert second.value(second.value(catalog, HYDRA.view), HYDRA.next) is None
    seen = set(first.objects(catalog, DCAT.dataset)) | set(second.objects(catalog, DCAT.dataset))
    assert len(seen) == 3
    Dataset.objects.filter(slug="road-repairs").update(modified="2001-01-01T00:00:00Z")
    recent = fetch(client, "/catalog.ttl?modified_since=2020-01-01T00:00:00Z")
    assert str(recent.value(catalog, HYDRA.totalItems)) == "2"
    assert client.get("/catalog.ttl?modified_since=yesterday").status_code == 400
    assert client.get("/catalog.ttl?page=0").status_code == 400
    assert client.get("/catalog.xls").status_code == 404


def test_content_negotiation_on_the_dataset_page(client: Client, town: Any, steward: Any) -> None:
    made = fetch(client, "/datasets/street-trees", "turtle", accept="text/turtle")
    assert (URIRef("http://127.0.0.1:8000/datasets/street-trees"), RDF.type, DCAT.Dataset) in made
    fetch(client, "/datasets/street-trees", "json-ld", accept="application/ld+json")
    page = client.get("/datasets/street-trees", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert page["Content-Type"].startswith("text/html")
    assert client.get("/datasets/staff-phones.ttl").status_code == 404
    client.force_login(steward)  # its steward sees the page; it is still not offered as RDF
    page = client.get("/datasets/staff-phones", HTTP_ACCEPT="text/turtle")
    assert page["Content-Type"].startswith("text/html")
