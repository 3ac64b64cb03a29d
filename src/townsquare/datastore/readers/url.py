"""Fetching a source from a URL without letting it reach inside the portal's network.

Only http and https. Every address a host name resolves to is checked, at every redirect, and
the connection goes to the checked address (so a second DNS answer cannot swap it). Only
globally routable addresses are fetched from unless TOWNSQUARE_DATASTORE_ALLOW_PRIVATE_URLS
allows loopback, private and shared ones; link-local and cloud metadata addresses are always
refused, in every form (IPv4-mapped IPv6, 6to4, Teredo, NAT64, decimal, octal). Size and time
are limited. Downloads (uploads from a URL, refreshes) and the link checker all come here.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from townsquare.datastore.errors import IngestError

MAX_REDIRECTS = 5
# Cloud metadata services (AWS, GCP and Azure at the link-local one; AWS over IPv6; Alibaba in
# the shared address space; Oracle's legacy one): refused even where private ones are allowed.
_METADATA = {
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
}
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_BROADCAST = ipaddress.IPv4Address("255.255.255.255")  # carrier-grade NAT: not globally routable


def _forms(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[Any]:
    """The address and every IPv4 address it carries (IPv4-mapped, 6to4, Teredo, NAT64), so
    ``::ffff:169.254.169.254`` is judged as the metadata address it is."""
    forms: list[Any] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            forms.append(address.ipv4_mapped)
        if address.sixtofour is not None:
            forms.append(address.sixtofour)
        if address.teredo is not None:
            forms.extend(address.teredo)
        if address in ipaddress.ip_network("64:ff9b::/96"):
            forms.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return forms


def refusal(text: str, allowed_host: bool = False) -> str | None:
    """Why this resolved address is not fetched from, or None. By default only globally
    routable addresses are; TOWNSQUARE_DATASTORE_ALLOW_PRIVATE_URLS (or, for one host and port,
    TOWNSQUARE_DATASTORE_ALLOW_HOSTS: ``allowed_host``) adds loopback, private and shared ones,
    never link-local, multicast, unspecified or metadata addresses."""
    address = ipaddress.ip_address(text.split("%", 1)[0])
    forms = _forms(address)
    for form in forms:
        if (
            form in _METADATA
            or form.is_link_local
            or form.is_multicast
            or form.is_unspecified
            or form == _BROADCAST
        ):
            return "a link-local or metadata address"
    if all(_global(form) for form in forms):
        return None
    if settings.DATASTORE_ALLOW_PRIVATE_URLS or allowed_host:
        return None
    return "on a private, shared or loopback network, which this portal does not fetch from"


def _global(address: Any) -> bool:
    return bool(address.is_global) and address not in _SHARED


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
    """The address to connect to: every address the host resolves to must pass (numeric hosts
    in decimal, octal or short forms resolve to the address they mean), and the connection
    goes to the first of them, so no second lookup can swap it."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise IngestError(f"The host {host!r} cannot be found.", field="url") from None
    addresses = sorted({str(answer[4][0]) for answer in answers})
    allowed = f"{host}:{port}".lower() in {h.lower() for h in settings.DATASTORE_ALLOW_HOSTS}
    for text in addresses:
        why = refusal(text, allowed)
        if why is not None:
            raise IngestError(f"The host {host!r} is {why}.", field="url")
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


@dataclass(frozen=True)
class Fetched:
    """What a GET answered: 304 (not modified, nothing written) or 200 with the body in the
    target file, and the validators to send next time."""

    status: int
    url: str  # after redirects
    etag: str = ""
    last_modified: str = ""
    content_type: str = ""
    size: int = 0


def download(url: str, target: Path) -> Path:
    """Fetch ``url`` into ``target``, following redirects that pass the same checks."""
    fetch(url, target)
    return target


def fetch(url: str, target: Path, headers: dict[str, str] | None = None) -> Fetched:
    """GET ``url`` into ``target`` with extra request ``headers`` (``If-None-Match``,
    ``If-Modified-Since``), following redirects that pass the same checks as the first address.
    IngestError for a refused address, an HTTP error, a time-out or a file over the limit."""
    deadline = time.monotonic() + settings.DATASTORE_DOWNLOAD_SECONDS
    sent = {"User-Agent": "Townsquare data portal", "Accept": "*/*", **(headers or {})}
    for _ in range(MAX_REDIRECTS + 1):
        scheme, host, port, path, address = _target(url)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        connection = kind(host, port, address, timeout=settings.DATASTORE_READ_TIMEOUT)
        try:
            connection.request("GET", path, headers=sent)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise IngestError("The server redirected without saying where.", field="url")
                url = urljoin(url, location)
                continue
            return _answer(response, url, target, deadline)
        except TimeoutError:
            raise IngestError(
                f"The server did not answer within {settings.DATASTORE_READ_TIMEOUT} s.",
                field="url",
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise IngestError(f"The download failed: {exc}", field="url") from None
        finally:
            connection.close()
    raise IngestError(f"More than {MAX_REDIRECTS} redirects.", field="url")


def _answer(response: http.client.HTTPResponse, url: str, target: Path, deadline: float) -> Fetched:
    if response.status == 304:
        return Fetched(304, url, response.getheader("ETag") or "")
    if response.status != 200:
        raise IngestError(f"The server answered {response.status} {response.reason}.", field="url")
    size = _save(response, target, deadline)
    return Fetched(
        200,
        url,
        response.getheader("ETag") or "",
        response.getheader("Last-Modified") or "",
        (response.getheader("Content-Type") or "").split(";")[0].strip().lower(),
        size,
    )


def _save(response: http.client.HTTPResponse, target: Path, deadline: float) -> int:
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
    return written


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
