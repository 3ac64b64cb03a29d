"""Real servers on 127.0.0.1 for the tests: SMTP (aiosmtpd), with the portal pointed at it,
and a source to refresh from (sources.py)."""

from __future__ import annotations

import http.server
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from townsquare.upkeep.tests.smtp import Inbox
from townsquare.upkeep.tests.sources import ASKED, Handler, serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    # aiosmtpd logs each connection at INFO, after pytest may have closed its streams.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def origin(settings: Any) -> Iterator[str]:
    """The server's address, allowed for this host and port alone."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    settings.DATASTORE_ALLOW_HOSTS = [f"127.0.0.1:{port}"]
    serve()
    ASKED.clear()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()
