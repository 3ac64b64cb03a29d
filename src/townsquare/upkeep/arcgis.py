"""An ArcGIS Feature Service layer as one GeoJSON file: the layer's description first (its
last edit date says whether anything changed), then its features page by page
(``resultOffset``/``resultRecordCount``, ordered by the object id), in WGS 84. Every request
goes through the URL guard of URL ingest, redirects included."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from townsquare.datastore.errors import IngestError
from townsquare.datastore.readers.url import Fetched, fetch

LAYER = re.compile(r"^https?://[^?#]+/(FeatureServer|MapServer)/\d+/?$", re.IGNORECASE)
MAX_PAGES = 10_000


def check_layer_url(url: str) -> None:
    if not LAYER.match(url):
        raise IngestError(
            "An ArcGIS layer's address ends with /FeatureServer/<layer number> (or "
            "/MapServer/<layer number>), such as https://services.arcgis.com/…/FeatureServer/0.",
            field="url",
        )


def _json(url: str, work: Path, name: str) -> dict[str, Any]:
    target = work / name
    fetch(url, target)
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IngestError("The ArcGIS server did not answer with JSON.", field="url") from None
    finally:
        target.unlink(missing_ok=True)
    if not isinstance(data, dict):
        raise IngestError("The ArcGIS server did not answer with a JSON object.", field="url")
    if "error" in data:
        error = data["error"] if isinstance(data["error"], dict) else {}
        raise IngestError(
            f"The ArcGIS server answered: {error.get('message') or 'an error'} "
            f"({error.get('code', '?')}).",
            field="url",
        )
    return data


def fetch_layer(url: str, target: Path, last_edit: str) -> Fetched:
    """The layer's features into ``target``; 304 when its last edit date is ``last_edit``."""
    base = url.rstrip("/")
    work = target.parent
    info = _json(f"{base}?f=json", work, "layer.json")
    edited = str((info.get("editingInfo") or {}).get("lastEditDate") or "")
    if edited and edited == last_edit:
        return Fetched(304, url, last_modified=edited)
    page = max(1, min(int(info.get("maxRecordCount") or 1000), 2000))
    order = str(info.get("objectIdField") or "")
    written = _pages(base, work, target, page, order)
    return Fetched(
        200, url, last_modified=edited, content_type="application/geo+json", size=written
    )


def _pages(base: str, work: Path, target: Path, page: int, order: str) -> int:
    written, offset, first = 0, 0, True
    with target.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [')
        for number in range(MAX_PAGES):
            query = {
                "where": "1=1",
                "outFields": "*",
                "returnGeometry": "true",
                "outSR": "4326",
                "f": "geojson",
                "resultOffset": offset,
                "resultRecordCount": page,
            }
            if order:
                query["orderByFields"] = order
            data = _json(f"{base}/query?{urlencode(query)}", work, f"page-{number}.json")
            features = data.get("features") or []
            for feature in features:
                text = json.dumps(feature, separators=(",", ":"))
                written += len(text) + 1
                if written > settings.UPLOAD_MAX_BYTES:
                    raise IngestError(
                        "The layer is larger than this portal's limit of "
                        f"{settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB.",
                        field="url",
                    )
                out.write(("" if first else ",") + text)
                first = False
            offset += len(features)
            exceeded = data.get("exceededTransferLimit") or (data.get("properties") or {}).get(
                "exceededTransferLimit"
            )
            if not features or (len(features) < page and not exceeded):
                break
        out.write("]}")
    return written
