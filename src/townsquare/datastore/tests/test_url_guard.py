"""The one guard every fetch goes through (uploads from a URL, refreshes, the link checker):
only globally routable addresses by default, never link-local or metadata addresses in any
written form, every redirect hop checked, and the connection made to the address checked."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from townsquare.datastore.errors import IngestError
from townsquare.datastore.readers import url as guard

# Each is refused by default; the ones marked True stay refused with private addresses allowed.
HOSTS = {
    "100.100.100.200": True,  # Alibaba Cloud's metadata service (shared address space)
    "100.64.0.1": False,  # carrier-grade NAT
    "127.0.0.1": False,
    "127.1": False,  # short form
    "0x7f.1": False,  # hexadecimal short form
    "2130706433": False,  # 127.0.0.1 as one decimal number
    "10.0.0.1": False,
    "192.168.1.1": False,
    "198.18.0.1": False,  # benchmarking network: not global
    "240.0.0.1": False,  # reserved
    "[::1]": False,
    "[::ffff:127.0.0.1]": False,
    "169.254.169.254": True,
    "2852039166": True,  # 169.254.169.254 in decimal
    "0251.0376.0251.0376": True,  # … in octal
    "0xa9fea9fe": True,  # … in hexadecimal
    "169.254.170.2": True,  # container credentials (link-local)
    "[::ffff:169.254.169.254]": True,  # IPv4-mapped IPv6
    "[::ffff:a9fe:a9fe]": True,
    "[2002:a9fe:a9fe::1]": True,  # 6to4 around it
    "[64:ff9b::a9fe:a9fe]": True,  # NAT64 around it
    "[fd00:ec2::254]": True,  # AWS metadata over IPv6
    "[fe80::1]": True,
    "192.0.0.192": True,
    "0.0.0.0": True,
    "224.0.0.1": True,
    "255.255.255.255": True,
}


@pytest.mark.parametrize("host", list(HOSTS))
def test_addresses_outside_the_internet_are_refused_by_default(host: str) -> None:
    with pytest.raises(IngestError, match="private, shared or loopback|link-local or metadata"):
        guard.check_url(f"http://{host}/data.csv")


@pytest.mark.parametrize("host", [h for h, always in HOSTS.items() if always])
def test_metadata_and_link_local_addresses_stay_refused_with_private_ones_allowed(
    settings: Any, host: str
) -> None:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    with pytest.raises(IngestError, match="link-local or metadata"):
        guard.check_url(f"http://{host}/data.csv")


def test_private_addresses_pass_only_when_allowed(settings: Any) -> None:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True
    for host in (h for h, always in HOSTS.items() if not always):
        guard.check_url(f"http://{host}/data.csv")
    settings.DATASTORE_ALLOW_PRIVATE_URLS = False
    guard.check_url("http://93.184.216.34/data.csv")  # a global address passes


class _Redirects(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        self.send_response(302)
        self.send_header("Location", "http://[::ffff:169.254.169.254]/latest/meta-data/")
        self.end_headers()

    do_HEAD = do_GET  # noqa: N815

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def redirecting() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Redirects)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_redirect_to_a_mapped_metadata_address_is_refused_by_downloads_and_link_checks(
    settings: Any, redirecting: str, tmp_path: Path
) -> None:
    settings.DATASTORE_ALLOW_PRIVATE_URLS = True  # the test's server is on 127.0.0.1
    with pytest.raises(IngestError, match="link-local or metadata"):
        guard.download(f"{redirecting}/data.csv", tmp_path / "out")
    with pytest.raises(IngestError, match="link-local or metadata"):
        guard.probe(f"{redirecting}/page", timeout=5)
    assert not (tmp_path / "out").exists()


def test_the_connection_goes_to_the_address_checked(monkeypatch: Any, tmp_path: Path) -> None:
    """A name that answers a public address to the check and loopback afterwards (DNS
    rebinding) is connected to at the public address: it is looked up once per hop."""
    lookups: list[str] = []
    connected: list[tuple[str, int]] = []

    def getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        lookups.append(host)
        address = "93.184.216.34" if len(lookups) == 1 else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        connected.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    with pytest.raises(IngestError, match="no network in this test"):
        guard.download("http://rebinding.example/data.csv", tmp_path / "out")
    assert lookups == ["rebinding.example"] and connected == [("93.184.216.34", 80)]
