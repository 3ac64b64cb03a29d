"""A real HTTP server on 127.0.0.1 for the refresh tests: it answers as told (a body with an
ETag, 304 to a matching If-None-Match, an error, a hang, a redirect, a web page), and an
ArcGIS Feature Service layer with paged queries."""

from __future__ import annotations

import http.server
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

SERVED: dict[str, Any] = {}
ASKED: list[dict[str, str]] = []
FEATURES = [
    {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-72.5 + n / 100, 42.3]},
        "properties": {"OBJECTID": n, "name": f"Hydrant {n}", "flow": 500 + n},
    }
    for n in range(1, 8)
]


def serve(body: bytes = b"road,km\nMain,3\n", **extra: Any) -> None:
    SERVED.clear()
    defaults = {"status": 200, "etag": '"v1"', "content_type": "text/csv", "delay": 0.0}
    SERVED.update({**defaults, "location": "", "body": body, **extra})


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        ASKED.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        if self.path.startswith("/arcgis/"):
            return self._arcgis()
        if SERVED["delay"]:
            time.sleep(SERVED["delay"])
        if SERVED["location"]:
            self.send_response(302)
            self.send_header("Location", SERVED["location"])
            self.end_headers()
            return None
        if SERVED["etag"] and self.headers.get("If-None-Match") == SERVED["etag"]:
            self.send_response(304)
            self.send_header("ETag", SERVED["etag"])
            self.end_headers()
            return None
        self.send_response(SERVED["status"])
        if SERVED["etag"]:
            self.send_header("ETag", SERVED["etag"])
        self.send_header("Content-Type", SERVED["content_type"])
        self.send_header("Content-Length", str(len(SERVED["body"])))
        self.end_headers()
        self.wfile.write(SERVED["body"])
        return None

    def _arcgis(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path.endswith("/FeatureServer/0"):
            body: dict[str, Any] = {
                "name": "Hydrants",
                "type": "Feature Layer",
                "maxRecordCount": 3,
                "objectIdField": "OBJECTID",
                "editingInfo": {"lastEditDate": SERVED.get("last_edit", 1764547200000)},
            }
        else:
            offset, count = int(query["resultOffset"]), int(query["resultRecordCount"])
            page = FEATURES[offset : offset + count]
            body = {
                "type": "FeatureCollection",
                "features": page,
                "properties": {"exceededTransferLimit": offset + count < len(FEATURES)},
            }
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass
