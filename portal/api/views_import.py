"""Bulk import for a bureau's token: the same CSV as the portal's import page, checked in full, stored all or nothing.

POST /imports/check judges every row and stores nothing; POST /imports stores them all when no row has an
error. A file with errors is a 422 problem whose `errors` name each row and column as `regels[N].kolom`
(N is the line in the file, the header being 1), with the Dutch message the import page shows.
"""
from __future__ import annotations

from ..bulk_import.service import Report, check, store
from ..db import get_session
from ..models import Provider
from ..storage import get_storage
from . import schemas as s
from .framework import ApiProblem, endpoint

BUREAU = ("provider",)
DESCRIPTION = ("Multipart: in `files` precies één CSV-bestand (naam eindigt op .csv, kolommen als in het voorbeeld "
               "van het portaal: /importeren/voorbeeld.csv) en de bewijsstukken die de kolom `bewijsstukken` noemt.")


def _split(uploads) -> tuple[bytes, dict[str, bytes]]:
    sheets = [upload for upload in uploads if upload.filename.lower().endswith(".csv")]
    if len(sheets) != 1:
        raise ApiProblem(422, "Stuur precies één CSV-bestand (.csv) mee, met de bewijsstukken ernaast.",
                         code="import_file", fields={"files": ["Precies één bestand met de extensie .csv."]})
    evidence = {upload.filename: upload.data for upload in uploads if upload is not sheets[0]}
    return sheets[0].data, evidence


def _answer(report: Report) -> dict:
    if not report.ok:
        count = len(report.errors)
        fields: dict[str, list[str]] = {}
        for error in report.errors:
            where = "bestand" if error.line is None else f"regels[{error.line}]"
            fields.setdefault(f"{where}.{error.column}" if error.column else where, []).append(error.message)
        raise ApiProblem(422, f"Er is niets opgeslagen: {count} {'fout' if count == 1 else 'fouten'} in het bestand.",
                         code="import_invalid", fields=fields)
    return {"rows": report.rows, "saved": report.saved,
            "stored": [{"line": row.line, "trajectory": row.trajectory, "type": row.type, "claim": row.claim}
                       for row in report.stored]}


@endpoint("/imports/check", "POST", tenants=BUREAU, scope="write", tag="Bulkimport", body=s.ImportIn, files=True,
          response=s.ImportOut, summary="Bulkimport controleren (er wordt niets opgeslagen)", description=DESCRIPTION)
def check_import(user, body, uploads):
    """Judge every row of the CSV as the forms would; nothing is stored."""
    data, evidence = _split(uploads)
    session = get_session()
    return _answer(check(session, session.get(Provider, user.provider_id), data, user, evidence))


@endpoint("/imports", "POST", tenants=BUREAU, scope="write", tag="Bulkimport", body=s.ImportIn, files=True,
          response=s.ImportOut, status=201, summary="Bulkimport: declaraties en plaatsingen, alles of niets",
          description=DESCRIPTION)
def store_import(user, body, uploads):
    """Check every row; only when none has an error, store them all through the forms' services."""
    data, evidence = _split(uploads)
    session = get_session()
    return _answer(store(session, session.get(Provider, user.provider_id), data, user, evidence,
                         storage=get_storage()))
