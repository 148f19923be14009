"""No version banners: not from gunicorn, not from Werkzeug's development server, no X-Powered-By."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

from portal import create_app

ROOT = Path(__file__).resolve().parents[2]
VERSION = re.compile(r"\d")


def headers_of(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - a local test server
        return {k.lower(): v for k, v in response.headers.items()}


def assert_no_banner(headers: dict[str, str]) -> None:
    assert "x-powered-by" not in headers
    assert not VERSION.search(headers.get("server", "")), headers.get("server")


def test_the_app_sends_no_powered_by_header(client):
    for url in ("/login", "/static/style.css", "/nergens"):
        response = client.get(url)
        assert "X-Powered-By" not in response.headers
        assert "Server" not in response.headers


def test_the_development_server_names_no_versions(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert_no_banner(headers_of(f"http://127.0.0.1:{server.server_port}/login"))
    finally:
        server.shutdown()


def test_gunicorn_names_no_version(tmp_path):
    env = {**os.environ, "SECRET_KEY": "s" * 40, "BSN_KEY": "b" * 40, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
           "PORTAL_DEMO": ""}
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", "127.0.0.1:0",
                                "--graceful-timeout", "1", "--no-control-socket", "wsgi:app"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        port, deadline = None, time.monotonic() + 30
        while port is None and time.monotonic() < deadline:
            line = process.stderr.readline()
            match = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", line)
            port = match and match[1]
            if not line and process.poll() is not None:
                break
        assert port, "gunicorn did not start"
        for _ in range(50):  # the worker boots after the arbiter listens
            try:
                headers = headers_of(f"http://127.0.0.1:{port}/login")
                break
            except OSError:
                time.sleep(0.1)
        assert headers["server"] == "gunicorn"
        assert_no_banner(headers)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
