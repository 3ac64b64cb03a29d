"""Uploads stream to a temporary file in chunks (never whole in memory) and are cut off at
``settings.UPLOAD_MAX_BYTES``: a request whose declared length is already too large is refused
before its body is read, and one that turns out too large while streaming has its partial file
deleted and is refused by the view (``ensure_upload_within_limit``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from townsquare.core.errors import UploadTooLarge

# Room for the other form fields and multipart boundaries around the file itself.
FORM_OVERHEAD_BYTES = 1024 * 1024


def limit_message() -> str:
    limit = human_size(settings.UPLOAD_MAX_BYTES)
    return f"The file is larger than this portal's upload limit of {limit}."


def human_size(size: int | None) -> str:
    if size is None:
        return ""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Writes each uploaded file to a temporary file, hashing it on the way, and stops the
    upload (deleting the partial file) once the size limit is passed."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        self.sha256 = hashlib.sha256()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self.file.close()  # a NamedTemporaryFile: closing deletes it
            # Read by the view to answer 413; a request carries no such attribute in the stubs.
            self.request.upload_too_large = True  # type: ignore[union-attr]
            raise StopUpload(connection_reset=False)
        self.sha256.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        uploaded = super().file_complete(file_size)
        if uploaded is not None:
            # The digest travels with the file to whoever stores it (checked on re-read).
            uploaded.sha256 = self.sha256.hexdigest()  # type: ignore[attr-defined]
        return uploaded


def ensure_upload_within_limit(request: HttpRequest) -> None:
    """Raise ``UploadTooLarge`` when the request's file was cut off while streaming."""
    request.FILES  # noqa: B018  (parsing the body is what sets the flag)
    if getattr(request, "upload_too_large", False):
        raise UploadTooLarge(limit_message(), field="file")


class UploadLimitMiddleware:
    """Refuses a request whose declared body is larger than the upload limit allows, before
    anything is read or written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.UPLOAD_MAX_BYTES + FORM_OVERHEAD_BYTES:
            return too_large_response(request)
        return self.get_response(request)


def too_large_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = {
            "type": "about:blank",
            "title": UploadTooLarge.title,
            "status": 413,
            "detail": limit_message(),
            "errors": [{"field": "file", "message": limit_message()}],
        }
        response: HttpResponse = JsonResponse(
            body, status=413, content_type="application/problem+json"
        )
    else:
        html = render_to_string("errors/413.html", {"message": limit_message()})
        response = HttpResponse(html, status=413)
    response["Connection"] = "close"
    return response
