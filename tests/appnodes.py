"""App nodes for multi-node tests and the load test: gunicorn processes serving `wsgi:app`, each from its own folder.

The nodes run as in production (no TESTING, secure cookies, CSRF on). A client over plain http
would not send a secure cookie back, so `send_over_http(jar)` lets it, as a TLS-terminating load
balancer in front of the nodes would.
"""
from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "app-nodes-share-this-secret-key-0123456789"
BSN_KEY = "app-nodes-share-this-bsn-key-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send_over_http(jar: http.cookiejar.CookieJar) -> None:
    """Let a client send the jar's secure cookies over plain http too (in production TLS ends before the nodes)."""
    for cookie in jar:
        cookie.secure = False


class Node:
    """One gunicorn process (gthread workers) serving `wsgi:app` with its own instance folder."""

    def __init__(self, name: str, database_url: str, instance: Path, *, workers: int = 1, threads: int = 6,
                 **env: str):
        self.name, self.instance = name, instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        (instance / "evidence").mkdir(parents=True)
        environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "BSN_KEY": BSN_KEY,
                       "EVIDENCE_DIR": str(instance / "evidence"), "TOTP_REQUIRED": "0", **env}
        for variable in ("PORTAL_DEMO", "FLASK_DEBUG", "STORAGE_BACKEND"):
            if variable not in env:
                environment.pop(variable, None)
        self.log = (instance / "gunicorn.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--worker-class", "gthread",
             "--workers", str(workers), "--threads", str(threads), "--timeout", "120", "--no-control-socket",
             # Idle connections stay open longer than a client (or load balancer) waits between requests,
             # so no request races the server closing its connection.
             "--keep-alive", "30",
             "wsgi:app"],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_until_up(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"node {self.name} stopped: {(self.instance / 'gunicorn.log').read_text()}")
            try:
                if requests.get(f"{self.url}/login", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or the worker still importing the app
                time.sleep(0.1)
        raise RuntimeError(f"node {self.name} did not start in time")

    def stop(self) -> None:
        # The master and its workers, at once: every request sent to them has had its answer.
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()


def start_nodes(database_url: str, root: Path, count: int, *, before_ready=None, timeout: float = 60,
                env: list[dict] | None = None, **node_options) -> list[Node]:
    """Start `count` nodes (node i with environment `env[i]`), run `before_ready()` while they import the app,
    and wait until each serves /login."""
    nodes = [Node(chr(ord("A") + i), database_url, root / f"node-{i}", **node_options, **(env[i] if env else {}))
             for i in range(count)]
    try:
        if before_ready is not None:
            before_ready()
        deadline = time.monotonic() + timeout
        for node in nodes:
            node.wait_until_up(deadline)
    except BaseException:
        for node in nodes:
            node.stop()
        raise
    return nodes
