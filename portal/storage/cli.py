"""`flask storage move-to-database`: copy the files of a filesystem store into the database, checked and idempotent."""
from __future__ import annotations

import hashlib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..db import get_session
from .database import DatabaseStorage
from .filesystem import FileStorage

#: Files copied per transaction: bounded memory, and an interrupted run keeps what it committed.
BATCH = 50


@click.group("storage", help="Bestanden (bewijsstukken) in de opslag.")
def storage_cli() -> None:
    pass


@storage_cli.command("move-to-database")
@click.option("--from", "source", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="De map met bestanden (standaard EVIDENCE_DIR).")
@click.option("--remove-files", is_flag=True, help="Verwijder elk bestand van schijf zodra het in de database staat.")
@with_appcontext
def move_to_database(source: Path | None, remove_files: bool) -> None:
    """Copy every stored file from the folder into the database; files already there are skipped."""
    folder = FileStorage(source or current_app.config["EVIDENCE_DIR"])
    if not folder.root.is_dir():
        raise click.ClickException(f"De map {folder.root} bestaat niet.")
    report = move_files(get_session(), folder, DatabaseStorage(), remove_files=remove_files)
    click.echo(f"{report['copied']} gekopieerd, {report['present']} stonden er al, "
               f"{report['corrupt']} overgeslagen (inhoud past niet bij de naam).")
    if report["corrupt"]:
        raise SystemExit(1)


def move_files(session, folder: FileStorage, database: DatabaseStorage, *, remove_files: bool = False) -> dict:
    """Copy the folder's files into the database in batches; return counts of copied, present and corrupt files."""
    report = {"copied": 0, "present": 0, "corrupt": 0}
    done: list[str] = []
    for key in folder.keys():
        if database.size(session, key) is not None:
            report["present"] += 1
            done.append(key)
            continue
        data = b"".join(folder.chunks(session, key))
        if hashlib.sha256(data).hexdigest() != key:
            click.echo(f"overgeslagen: {folder.path(key)} (de inhoud hoort niet bij deze naam)", err=True)
            report["corrupt"] += 1
            continue
        database.put(session, key, data)
        report["copied"] += 1
        done.append(key)
        if len(done) >= BATCH:
            _commit(session, folder, done, remove_files)
    _commit(session, folder, done, remove_files)
    return report


def _commit(session, folder: FileStorage, done: list[str], remove_files: bool) -> None:
    session.commit()
    if remove_files:  # only after the commit: a file leaves the disk once the database holds it
        for key in done:
            folder.delete(session, key)
    done.clear()
