"""The catalog and each dataset as DCAT-AP 3 (the European application profile), built with
rdflib and written as Turtle, RDF/XML or JSON-LD.

Themes are the EU data theme vocabulary's, frequencies, licences and file types the EU
authority tables' URIs (where a Townsquare value has one), media types IANA's. The catalog is
paged with Hydra (``hydra:PartialCollectionView``, ``hydra:next``, ``hydra:totalItems``) and
filtered by ``modified_since``. Only what the public may know of is described."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from townsquare.catalog import freshness, policies
from townsquare.catalog.models import Dataset, Distribution, Organization
from townsquare.catalog.vocabularies import THEMES_BY_CODE, AccessLevel
from townsquare.core.markdown import plain_text
from townsquare.interop.dcat_us import addresses, site

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
EU = "http://publications.europa.eu/resource/authority/"
FORMATS = {"turtle": "text/turtle", "xml": "application/rdf+xml", "json-ld": "application/ld+json"}
EXTENSIONS = {"ttl": "turtle", "rdf": "xml", "jsonld": "json-ld"}
PAGE_SIZE = 100
LICENCES = {
    "CC0-1.0": "CC0",
    "CC-BY-4.0": "CC_BY_4_0",
    "CC-BY-SA-4.0": "CC_BYSA_4_0",
    "ODC-By-1.0": "ODC_BY",
    "ODbL-1.0": "ODC_BL",
    "PDDL-1.0": "ODC_PDDL",
    "OGL-UK-3.0": "OGL_3_0",
}
FREQUENCIES = {
    "R/PT1H": "HOURLY", "R/P1D": "DAILY", "R/P1W": "WEEKLY", "R/P2W": "BIWEEKLY",
    "R/P1M": "MONTHLY", "R/P2M": "BIMONTHLY", "R/P3M": "QUARTERLY", "R/P6M": "ANNUAL_2",
    "R/P1Y": "ANNUAL", "R/P2Y": "BIENNIAL", "R/P3Y": "TRIENNIAL",
}  # fmt: skip
FILE_TYPES = {"CSV", "JSON", "GEOJSON", "XLSX", "XLS", "PDF", "XML", "ZIP", "PARQUET", "TXT"}
ACCESS = {AccessLevel.PUBLIC: "PUBLIC", AccessLevel.RESTRICTED: "RESTRICTED"}


def graph() -> Graph:
    made = Graph()
    for prefix, namespace in (
        ("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS),
        ("hydra", HYDRA), ("dcatap", DCATAP), ("spdx", SPDX),
    ):  # fmt: skip
        made.bind(prefix, namespace)
    return made


def frequency(value: str) -> URIRef | None:
    if value.upper().startswith("R/P"):
        code = FREQUENCIES.get(value.upper())
    elif freshness.word(value) in freshness.NO_PERIOD:
        code = "IRREG"
    else:
        code = freshness.word(value).upper() or None
        code = code if code and freshness.period_of(value) else None
    return URIRef(f"{EU}frequency/{code}") if code else None


def _agent(made: Graph, organization: Organization) -> URIRef:
    node = URIRef(site(reverse("catalog:organization", args=[organization.slug])))
    made.add((node, RDF.type, FOAF.Agent))
    made.add((node, FOAF.name, Literal(organization.name)))
    made.add((node, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")))
    return node


def _contact(made: Graph, dataset: Dataset) -> BNode:
    node = BNode()
    made.add((node, RDF.type, VCARD.Kind))
    made.add((node, VCARD.fn, Literal(dataset.contact_name)))
    made.add((node, VCARD.hasEmail, URIRef(f"mailto:{dataset.contact_email}")))
    return node


def _moment(value: datetime) -> Literal:
    return Literal(value.replace(microsecond=0).isoformat(), datatype=XSD.dateTime)


def _licence(code: str) -> URIRef | None:
    if code in LICENCES:
        return URIRef(f"{EU}licence/{LICENCES[code]}")
    return None


def _distribution(made: Graph, dataset: Dataset, item: Distribution) -> URIRef:
    node = URIRef(
        site(reverse("catalog:dataset", args=[dataset.slug])) + f"#distribution-{item.pk}"
    )
    made.add((node, RDF.type, DCAT.Distribution))
    made.add((node, DCTERMS.title, Literal(item.title)))
    found = addresses(dataset, item)
    access = (
        found.get("accessURL")
        or found.get("downloadURL")
        or site(reverse("catalog:dataset", args=[dataset.slug]))
    )
    made.add((node, DCAT.accessURL, URIRef(access)))
    if found.get("downloadURL"):
        made.add((node, DCAT.downloadURL, URIRef(found["downloadURL"])))
    if item.description:
        made.add((node, DCTERMS.description, Literal(item.description)))
    _file_details(made, node, item.format, item.media_type, item.license or dataset.license)
    if item.byte_size is not None:
        made.add((node, DCAT.byteSize, Literal(Decimal(item.byte_size), datatype=XSD.decimal)))
    if item.checksum_sha256:
        checksum = BNode()
        made.add((node, SPDX.checksum, checksum))
        made.add((checksum, RDF.type, SPDX.Checksum))
        made.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        made.add(
            (checksum, SPDX.checksumValue, Literal(item.checksum_sha256, datatype=XSD.hexBinary))
        )
    if item.availability:
        made.add(
            (node, DCATAP.availability, URIRef(f"{EU}planned-availability/{item.availability}"))
        )
    return node


def _file_details(made: Graph, node: URIRef, form: str, media_type: str, license: str) -> None:
    if form.upper() in FILE_TYPES:
        made.add((node, DCTERMS["format"], URIRef(f"{EU}file-type/{form.upper()}")))
    if media_type:
        made.add(
            (
                node,
                DCAT.mediaType,
                URIRef(f"https://www.iana.org/assignments/media-types/{media_type}"),
            )
        )
    licence = _licence(license)
    if licence is not None:
        made.add((node, DCTERMS.license, licence))


def _data_table(made: Graph, dataset: Dataset, subject: URIRef) -> None:
    if getattr(dataset, "published_data", None) is None:
        return
    page = site(reverse("catalog:dataset", args=[dataset.slug]))
    node = URIRef(page + "#data-table")
    made.add((subject, DCAT.distribution, node))
    made.add((node, RDF.type, DCAT.Distribution))
    made.add((node, DCTERMS.title, Literal("Data table (CSV)")))
    version = dataset.published_data.version
    made.add((node, DCTERMS.description, Literal(f"The published data: version {version.number}.")))
    made.add((node, DCATAP.availability, URIRef(f"{EU}planned-availability/AVAILABLE")))
    csv = site(f"/api/v1/datasets/{dataset.slug}/export.csv")
    public = dataset.access_level == AccessLevel.PUBLIC
    made.add((node, DCAT.accessURL, URIRef(csv if public else page)))
    if public:
        made.add((node, DCAT.downloadURL, URIRef(csv)))
    _file_details(made, node, "CSV", "text/csv", dataset.license)
    service = URIRef(site(f"/api/v1/datasets/{dataset.slug}/records"))
    made.add((node, DCAT.accessService, service))
    made.add((service, RDF.type, DCAT.DataService))
    made.add((service, DCTERMS.title, Literal(f"{dataset.title}: records API")))
    made.add((service, DCAT.endpointURL, service))
    made.add((service, DCAT.endpointDescription, URIRef(site("/api/v1/openapi.json"))))
    made.add((service, DCAT.servesDataset, subject))
    made.add((service, DCTERMS.conformsTo, URIRef("https://spec.openapis.org/oas/v3.1.0")))
    for keyword in dataset.keywords:
        made.add((service, DCAT.keyword, Literal(keyword)))
    for code in dataset.themes:
        if code in THEMES_BY_CODE:
            made.add((service, DCAT.theme, URIRef(THEMES_BY_CODE[code].uri)))
    made.add((service, DCTERMS.publisher, _agent(made, dataset.organization)))
    made.add((service, DCAT.contactPoint, _contact(made, dataset)))


def add_dataset(made: Graph, dataset: Dataset) -> URIRef:
    subject = URIRef(site(reverse("catalog:dataset", args=[dataset.slug])))
    made.add((subject, RDF.type, DCAT.Dataset))
    made.add((subject, DCTERMS.title, Literal(dataset.title)))
    made.add(
        (subject, DCTERMS.description, Literal(plain_text(dataset.description) or dataset.title))
    )
    made.add((subject, DCTERMS.identifier, Literal(dataset.identifier)))
    made.add((subject, DCTERMS.publisher, _agent(made, dataset.organization)))
    made.add((subject, DCAT.contactPoint, _contact(made, dataset)))
    made.add((subject, DCTERMS.modified, _moment(dataset.modified)))
    made.add((subject, DCAT.landingPage, URIRef(dataset.landing_page or subject)))
    made.add(
        (
            subject,
            DCTERMS.accessRights,
            URIRef(
                f"{EU}access-right/{ACCESS.get(AccessLevel(dataset.access_level), 'NON_PUBLIC')}"
            ),
        )
    )
    for keyword in dataset.keywords:
        made.add((subject, DCAT.keyword, Literal(keyword)))
    for code in dataset.themes:
        if code in THEMES_BY_CODE:
            made.add((subject, DCAT.theme, URIRef(THEMES_BY_CODE[code].uri)))
    _coverage(made, subject, dataset)
    for item in dataset.distributions.all():
        if policies.is_listed_file(item):
            made.add((subject, DCAT.distribution, _distribution(made, dataset, item)))
    _data_table(made, dataset, subject)
    return subject


def _coverage(made: Graph, subject: URIRef, dataset: Dataset) -> None:
    if dataset.issued:
        made.add((subject, DCTERMS.issued, Literal(dataset.issued.isoformat(), datatype=XSD.date)))
    found = frequency(dataset.accrual_periodicity) if dataset.accrual_periodicity else None
    if found is not None:
        made.add((subject, DCTERMS.accrualPeriodicity, found))
    if dataset.temporal:
        start, _, end = dataset.temporal.partition("/")
        period = BNode()
        made.add((subject, DCTERMS.temporal, period))
        made.add((period, RDF.type, DCTERMS.PeriodOfTime))
        made.add((period, DCAT.startDate, _date(start)))
        if end and not end.upper().startswith("P"):
            made.add((period, DCAT.endDate, _date(end)))
    if dataset.spatial:
        made.add((subject, DCTERMS.spatial, _place(made, dataset.spatial)))
    for tag in dataset.language:
        made.add((subject, DCTERMS.language, URIRef(f"{EU}language/{_language(tag)}")))


def _place(made: Graph, spatial: str) -> BNode:
    """A named place, or a box given as west,south,east,north (with its bbox and centroid)."""
    place = BNode()
    made.add((place, RDF.type, DCTERMS.Location))
    try:
        west, south, east, north = (float(part) for part in spatial.split(","))
    except ValueError:
        made.add((place, SKOS.prefLabel, Literal(spatial)))
        return place
    box = (
        f"POLYGON(({west} {south}, {east} {south}, {east} {north}, {west} {north}, {west} {south}))"
    )
    made.add((place, DCAT.bbox, Literal(box, datatype=GSP.wktLiteral)))
    centre = f"POINT({(west + east) / 2} {(south + north) / 2})"
    made.add((place, DCAT.centroid, Literal(centre, datatype=GSP.wktLiteral)))
    return place


def _date(text: str) -> Literal:
    kinds = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}
    return Literal(text, datatype=kinds.get(len(text), XSD.dateTime))


# ISO 639-1 → the EU language authority's ISO 639-2 codes, for the languages towns publish in.
_LANGUAGES = {"en": "ENG", "es": "SPA", "fr": "FRA", "de": "DEU", "it": "ITA", "pt": "POR",
              "nl": "NLD", "zh": "ZHO", "vi": "VIE", "ko": "KOR", "ar": "ARA", "ru": "RUS",
              "pl": "POL", "ja": "JPN", "tl": "TGL", "ht": "HAT"}  # fmt: skip


def _language(tag: str) -> str:
    return _LANGUAGES.get(tag.split("-")[0].lower(), tag.split("-")[0].upper())


def public_datasets(modified_since: datetime | None = None) -> QuerySet[Dataset]:
    chosen = Dataset.objects.filter(policies.PUBLIC)
    if modified_since is not None:
        chosen = chosen.filter(modified__gte=modified_since)
    return chosen.select_related("organization", "published_data").prefetch_related("distributions")


def catalog_graph(page: int, modified_since: datetime | None, address: str) -> Graph:
    """One page of the catalog (``address``: this page's URL without ``page``)."""
    made = graph()
    catalog = URIRef(site("/catalog"))
    made.add((catalog, RDF.type, DCAT.Catalog))
    made.add((catalog, DCTERMS.title, Literal(settings.SITE_NAME)))
    made.add(
        (catalog, DCTERMS.description, Literal(f"The datasets published on {settings.SITE_NAME}."))
    )
    made.add((catalog, FOAF.homepage, URIRef(site("/"))))
    made.add((catalog, DCAT.themeTaxonomy, URIRef(f"{EU}data-theme")))
    publisher = BNode()
    made.add((catalog, DCTERMS.publisher, publisher))
    made.add((publisher, RDF.type, FOAF.Agent))
    made.add((publisher, FOAF.name, Literal(settings.SITE_NAME)))
    chosen = public_datasets(modified_since)
    total = chosen.count()
    for dataset in chosen.order_by("pk")[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        made.add((catalog, DCAT.dataset, add_dataset(made, dataset)))
    _paging(made, catalog, page, total, address)
    return made


def _paging(made: Graph, catalog: URIRef, page: int, total: int, address: str) -> None:
    joiner = "&" if "?" in address else "?"
    view = URIRef(f"{address}{joiner}page={page}")
    made.add((catalog, HYDRA.totalItems, Literal(total, datatype=XSD.integer)))
    made.add((catalog, HYDRA.view, view))
    made.add((view, RDF.type, HYDRA.PartialCollectionView))
    made.add((view, HYDRA.first, URIRef(f"{address}{joiner}page=1")))
    last = max(1, -(-total // PAGE_SIZE))
    made.add((view, HYDRA.last, URIRef(f"{address}{joiner}page={last}")))
    if page < last:
        made.add((view, HYDRA.next, URIRef(f"{address}{joiner}page={page + 1}")))
    if page > 1:
        made.add((view, HYDRA.previous, URIRef(f"{address}{joiner}page={page - 1}")))


def dataset_graph(dataset: Dataset) -> Graph:
    made = graph()
    add_dataset(made, dataset)
    return made
