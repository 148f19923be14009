"""Requests per second against a real server: gunicorn with N sync workers, driven by a few client threads.

Used by the list benchmarks to compare a page's throughput with GET /login's in the same run.
"""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-only-secret-key-0123456789abcdef"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, workers: int = 2) -> Iterator[tuple[str, int]]:
    """Serve wsgi:app on a free port with the given number of workers; yield (host, port)."""
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=database_url, PORTAL_DEMO="1", SECRET_KEY=SECRET_KEY,
               BSN_KEY=SECRET_KEY)
    process = subprocess.Popen([str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind",
                                f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        for _ in range(600):
            try:
                if _get("127.0.0.1", port, "/login", None) == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer /login")
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=30)


def session_cookie(user_id: int, token: str) -> str:
    """Return a Cookie header with a signed session of this user, as a login would give it."""
    from flask import Flask

    from portal.auth.sessions import SEEN_KEY, STARTED_KEY, TOKEN_KEY
    app = Flask("bench")
    app.secret_key = SECRET_KEY
    now = int(time.time())
    value = app.session_interface.get_signing_serializer(app).dumps(
        {"_user_id": str(user_id), "_fresh": True, TOKEN_KEY: token, STARTED_KEY: now, SEEN_KEY: now})
    return f"session={value}"


def _get(host: str, port: int, path: str, cookie: str | None) -> int:
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def requests_per_second(address: tuple[str, int], path: str, cookie: str | None = None, seconds: float = 5.0,
                        clients: int = 4) -> float:
    """Send GET path from `clients` threads for `seconds`; return the completed requests per second (all 200)."""
    status = _get(*address, path, cookie)
    if status != 200:
        raise SystemExit(f"{path}: HTTP {status}")
    done = [0] * clients
    failures: list[int] = []
    stop = time.perf_counter() + seconds

    def work(k: int) -> None:
        while time.perf_counter() < stop:
            code = _get(*address, path, cookie)
            if code != 200:
                failures.append(code)
            done[k] += 1

    threads = [threading.Thread(target=work, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise SystemExit(f"{path}: {len(failures)} requests failed ({sorted(set(failures))})")
    return sum(done) / (time.perf_counter() - started)
