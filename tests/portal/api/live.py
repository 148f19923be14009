"""A committed database with a bureau, a municipality and their tokens, and servers that serve it.

The schemathesis run, the concurrent idempotency test and the client walk talk to a real server
(or to two connections), so their data is committed, not inside a test's rolled-back transaction.
"""
from __future__ import annotations

import os
import shutil
import uuid
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import psycopg
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from portal import clock, create_app, migrate
from portal.api.tokens import issue_token
from portal.db import make_sqlite_transactional

from ... import factories as f
from ..finance.helpers import complete_addresses

ROOT = Path(__file__).resolve().parents[3]


@dataclass
class Seed:
    url: str
    bureau_token: str
    municipality_token: str
    trajectory_id: int        # a referral waiting for the bureau
    contract_id: int
    reviewer_id: int
    preparer_id: int
    approver_id: int


def copy_of_migrated(database_url: str, tmp_path: Path, request) -> str:
    """Return a new database with the session's migrated (and empty: tests roll back) database's schema.

    Copying saves running every migration again: SQLite copies the file, PostgreSQL uses it as a template.
    """
    if database_url.startswith("sqlite"):
        source = Path(database_url.removeprefix("sqlite:///"))
        target = tmp_path / "live.db"
        shutil.copyfile(source, target)
        return f"sqlite:///{target}"
    cluster = request.getfixturevalue("pg_cluster")
    name = f"live_{uuid.uuid4().hex[:10]}"
    template = database_url.rsplit("/", 1)[1]
    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user={cluster.user} dbname=postgres",
                         autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return cluster.url(name)


def seed_database(url: str) -> Seed:
    """Commit a small world into a migrated database (dates around the real today)."""
    migrate.upgrade(url)  # a no-op on a copy that is already at head
    with create_app({"TESTING": True, "DATABASE_URL": url}).app_context():  # the BSN key of the servers below
        return _seed(url)


def _seed(url: str) -> Seed:
    engine = create_engine(url, poolclass=NullPool)
    if url.startswith("sqlite"):
        make_sqlite_transactional(engine)
    today = clock.today()
    with Session(engine) as db:
        consortium = f.create_consortium(db)
        municipality = f.create_municipality(db, consortium, "Alkmaar")
        provider = f.create_provider(db, "Bureau A")
        contract = f.create_contract(db, consortium, provider, start=today - timedelta(days=200),
                                     end=today + timedelta(days=200))
        trajectory = f.create_trajectory(db, contract, municipality, status="referred",
                                         start=today - timedelta(days=10))
        admin = f.create_user(db, "admin")
        reviewer, preparer, approver = (f.create_user(db, "reviewer"), f.create_user(db, "finance"),
                                        f.create_user(db, "finance"))
        complete_addresses(db)
        _, bureau_secret = issue_token(db, admin, name="Bureausysteem", provider_id=provider.id, write=True)
        _, municipality_secret = issue_token(db, admin, name="Gemeentesysteem", municipality_id=municipality.id,
                                             write=True)
        db.commit()
        seed = Seed(url, bureau_secret, municipality_secret, trajectory.id, contract.id, reviewer.id, preparer.id,
                    approver.id)
    engine.dispose()
    return seed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThreadedServer:
    """The portal in a werkzeug server thread of the test process."""

    def __init__(self, app):
        from werkzeug.serving import make_server
        self.port = free_port()
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()


class Gunicorn:
    """`gunicorn wsgi:app` with two workers in a subprocess, on the given database."""

    def __init__(self, database_url: str, evidence_dir: Path):
        self.port = free_port()
        self.env = dict(os.environ, DATABASE_URL=database_url, PORTAL_DEMO="1", EVIDENCE_DIR=str(evidence_dir),
                        TOTP_REQUIRED="0")

    def __enter__(self) -> str:
        self.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "2", "--preload", "--bind",
                                         f"127.0.0.1:{self.port}", "wsgi:app"], cwd=ROOT, env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        url = f"http://127.0.0.1:{self.port}"
        for _ in range(150):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return url
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode())
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc) -> None:
        self.process.send_signal(signal.SIGINT)  # quick shutdown: the test is done with it
        self.process.wait(timeout=20)
