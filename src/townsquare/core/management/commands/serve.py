"""`townsquare serve`: the portal on gunicorn, with a background worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.module_loading import import_string
from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from townsquare.wsgi import application  # noqa: PLC0415  (in each gunicorn worker)

        return application


def _warm_up(worker: Any) -> None:
    """Gunicorn's ``post_worker_init`` hook: each web process loads what its first requests
    would otherwise wait for (``settings.WARM_UP``), in a thread, while it starts serving."""
    threading.Thread(target=_run_warm_ups, name="warm-up", daemon=True).start()


def _run_warm_ups() -> None:
    try:
        for path in settings.WARM_UP:
            import_string(path)()
    finally:
        connection.close()


class _WorkerProcess:
    """Keeps one `townsquare worker` process running beside the web server."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = False
        self.signalled = False
        self.owner = os.getpid()  # gunicorn's web workers are forks: the worker is not theirs

    def start(self) -> None:
        threading.Thread(target=self._run, name="task-worker", daemon=True).start()

    def _run(self) -> None:
        while not self.stopping:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "townsquare.cli",
                    "worker",
                    "--no-reload",
                    "--no-startup-delay",
                ]
            )
            code = self.process.wait()
            if not self.stopping:
                sys.stderr.write(f"Background worker exited with {code}; restarting in 2 s.\n")
                time.sleep(2)

    def stop(self) -> None:
        self.stopping = True
        if os.getpid() != self.owner:
            return
        if self.process and self.process.poll() is None:
            if not self.signalled:  # once: a second SIGTERM would abort its task
                self.process.terminate()  # it finishes the task it runs, then exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def stop_with_server(self, server: Any) -> None:
        """Gunicorn's ``when_ready`` hook: when the server is told to stop (SIGTERM, SIGINT,
        SIGQUIT), the worker is stopped at once too, never restarted on the way out."""
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
            previous = signal.getsignal(signum)

            def stopping(number: int, frame: Any, previous: Any = previous) -> None:
                self.stopping = True
                if os.getpid() == self.owner and not self.signalled:
                    if self.process and self.process.poll() is None:
                        self.process.send_signal(signal.SIGTERM)
                        self.signalled = True
                if callable(previous):
                    previous(number, frame)

            signal.signal(signum, stopping)


class Command(BaseCommand):
    help = "Serve the portal (gunicorn) with a background task worker beside it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="Web processes (default 2).")
        parser.add_argument("--threads", type=int, default=4, help="Threads per web process.")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start a background worker (run `townsquare worker` yourself).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = _WorkerProcess()
        if not options["no_worker"]:
            worker.start()
        self.stdout.write(
            f"Serving {settings.SITE_NAME} on http://{options['host']}:{options['port']} "
            f"({'with' if not options['no_worker'] else 'without'} a background worker). "
            "Press Ctrl+C to stop."
        )
        try:
            _Gunicorn(
                {
                    "bind": f"{options['host']}:{options['port']}",
                    "workers": options["workers"],
                    "threads": options["threads"],
                    "worker_class": "gthread",
                    "timeout": 120,
                    "graceful_timeout": 10,  # requests in flight finish; then it stops
                    "when_ready": worker.stop_with_server,
                    "post_worker_init": _warm_up,
                    "accesslog": "-",
                    "errorlog": "-",
                    "loglevel": "warning",
                    "proc_name": "townsquare",
                }
            ).run()
        finally:
            worker.stop()
