"""What the benchmarks share: free ports, waiting for a server, the machine's description and
writing a section of docs/benchmarks.md."""

from __future__ import annotations

import http.client
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "docs" / "benchmarks.md"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, path: str = "/healthz", seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not start")


def environment(data_dir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOWNSQUARE_")}
    env.update(
        TOWNSQUARE_DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        TOWNSQUARE_DEBUG="false",
        TOWNSQUARE_LOG_LEVEL="WARNING",
        # One client address sends every request of a benchmark: the per-address rate limits
        # (on by default) would answer 429 to the load, so they are off here.
        TOWNSQUARE_RATE_API="0",
        TOWNSQUARE_RATE_QUERIES="0",
        TOWNSQUARE_RATE_SQL="0",
        # A benchmark's portal is open to the public from the start (no launch program).
        TOWNSQUARE_BEFORE_LAUNCH="open",
        **extra,
    )
    return env


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}"


def write_section(marker: str, section: str) -> None:
    """Replace the section that starts with ``marker`` (or append it)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmarks\n"
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + len(marker))
        rest = text[end + 1 :] if end != -1 else ""
        text = text[:start] + section.rstrip("\n") + "\n" + ("\n" + rest if rest else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


def serve_townsquare(env: dict[str, str], *, threads: int) -> tuple[subprocess.Popen[bytes], int]:
    """`townsquare serve` (2 gunicorn processes, no worker) on a free port, once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "townsquare.cli", "serve", "--no-worker"]
    command += ["--port", str(port), "--workers", "2", "--threads", str(threads)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wait_for(port)
    return server, port


def fetch(connection: http.client.HTTPConnection, path: str) -> bytes:
    """GET ``path`` on a kept-alive connection, whole; an answer other than 200 is an error."""
    try:
        connection.request("GET", path)
        response = connection.getresponse()
    except (http.client.RemoteDisconnected, ConnectionResetError):
        # gunicorn closes a kept-alive connection idle for 2 s (while the other server
        # answered): open a new one.
        connection.close()
        connection.request("GET", path)
        response = connection.getresponse()
    data = response.read()
    if response.status != 200:
        raise RuntimeError(f"{path}: {response.status} {data[:200]!r}")
    return data
