"""`townsquare serve` stops cleanly on SIGTERM (as systemd and container runtimes stop it):
within a few seconds, its worker not restarted on the way out, nothing but a goodbye logged."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sigterm_stops_the_server_and_its_worker_within_seconds(tmp_path: Path) -> None:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TOWNSQUARE_") and k != "DATABASE_URL"
    }
    environ["TOWNSQUARE_DATA_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "townsquare.cli"]
    subprocess.run([*command, "migrate", "-v", "0"], env=environ, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [*command, "serve", "--port", str(port)],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        time.sleep(1)  # the worker is up too
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
        took = time.monotonic() - started
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    assert server.returncode == 0, output
    assert took < 6, f"stopping took {took:.1f} s"
    assert "Traceback" not in output and "restarting" not in output, output
    time.sleep(0.5)
    try:  # nothing of its process group (web processes, the worker) is left
        os.killpg(server.pid, 0)
    except ProcessLookupError:
        pass
    else:
        raise AssertionError("a process of the server is still running")
