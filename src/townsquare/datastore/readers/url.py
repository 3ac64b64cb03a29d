"""Fetching a source from a URL without letting it reach inside the portal's network.

Only http and https. Every address a host name resolves to is checked, at every redirect, and
the connection goes to the checked address (so a second DNS answer cannot swap it). Loopback
and private addresses are refused unless TOWNSQUARE_DATASTORE_ALLOW_PRIVATE_URLS allows them;
link-local and cloud metadata addresses are always refused. Size and time are limited.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from townsquare.datastore.errors import IngestError

MAX_REDIRECTS = 5
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}


def check_url(url: str) -> None:
    """Refuse a URL that is not http(s) or whose host resolves to a refused address."""
    _target(url)


def _target(url: str) -> tuple[str, str, int, str, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise IngestError("Only http and https URLs can be fetched.", field="url")
    if not parts.hostname:
        raise IngestError("The URL has no host name.", field="url")
    if parts.username or parts.password:
        raise IngestError("URLs with a user name or password are refused.", field="url")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _allowed_address(parts.hostname, port)
    path = parts.path or "/"
    if parts.query:
        path += f"?{parts.query}"
    return parts.scheme, parts.hostname, port, path, address


def _allowed_address(host: str, port: int) -> str:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise IngestError(f"The host {host!r} cannot be found.", field="url") from None
    addresses = {answer[4][0] for answer in answers}
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if (
            address in _METADATA
            or address.is_link_local
            or address.is_multicast
            or address.is_unspecified
        ):
            raise IngestError(
                f"The host {host!r} is a link-local or metadata address.", field="url"
            )
        inside = address.is_loopback or address.is_private or address.is_reserved
        if inside and not settings.DATASTORE_ALLOW_PRIVATE_URLS:
            raise IngestError(
                f"The host {host!r} is on a private or loopback network, which this portal does "
                "not fetch from.",
                field="url",
            )
    return sorted(addresses)[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def download(url: str, target: Path) -> Path:
    """Fetch ``url`` into ``target``, following redirects that pass the same checks."""
    deadline = time.monotonic() + settings.DATASTORE_DOWNLOAD_SECONDS
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, path, address = _target(url)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, address, timeout=30)
        try:
            connection.request(
                "GET", path, headers={"User-Agent": "Townsquare data portal", "Accept": "*/*"}
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise IngestError("The server redirected without saying where.", field="url")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise IngestError(
                    f"The server answered {response.status} {response.reason}.", field="url"
                )
            _save(response, target, deadline)
            return target
        except (OSError, http.client.HTTPException) as exc:
            raise IngestError(f"The download failed: {exc}", field="url") from None
        finally:
            connection.close()
    raise IngestError(f"More than {MAX_REDIRECTS} redirects.", field="url")


def _save(response: http.client.HTTPResponse, target: Path, deadline: float) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise IngestError(
            f"The file is larger than this portal's limit of {limit // (1024 * 1024)} MB.",
            field="url",
        )
    written = 0
    with target.open("wb") as out:
        while chunk := response.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                raise IngestError(
                    f"The file is larger than this portal's limit of {limit // (1024 * 1024)} MB.",
                    field="url",
                )
            if time.monotonic() > deadline:
                raise IngestError(
                    f"The download took longer than {settings.DATASTORE_DOWNLOAD_SECONDS} s.",
                    field="url",
                )
            out.write(chunk)


def probe(url: str, timeout: float) -> int:
    """The HTTP status ``url`` answers with (after redirects, each checked like a download's);
    IngestError when it cannot be reached. HEAD first; GET when HEAD is not allowed."""
    for method in ("HEAD", "GET"):
        status = _probe(url, method, timeout)
        if status not in (405, 501):
            return status
    return status


def _probe(url: str, method: str, timeout: float) -> int:
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, path, address = _target(url)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, address, timeout=timeout)
        try:
            connection.request(method, path, headers={"User-Agent": "Townsquare link check"})
            response = connection.getresponse()
            location = response.getheader("Location")
            if response.status in (301, 302, 303, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return response.status
        except (OSError, http.client.HTTPException) as exc:
            raise IngestError(f"It cannot be reached: {exc}", field="url") from None
        finally:
            connection.close()
    raise IngestError(f"More than {MAX_REDIRECTS} redirects.", field="url")
