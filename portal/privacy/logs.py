"""Keep personal data out of the application log.

PostgreSQL puts the offending row into an error's DETAIL ("Failing row contains (..., Jansen,
...)", "Key (...)=(...)"), and psycopg copies it into the exception's text; the traceback Flask
logs for a 500 would carry it. This filter on the app's logger drops every DETAIL line from a
logged traceback. Statement values are already hidden (`hide_parameters`, portal.db).
"""
from __future__ import annotations

import logging
import re
import traceback

from flask import Flask

DETAIL = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)
REDACTED = r"\1 [weggelaten: kan persoonsgegevens bevatten]"


class RedactDatabaseDetail(logging.Filter):
    """Format a record's traceback once, without the database's DETAIL lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = DETAIL.sub(REDACTED, "".join(traceback.format_exception(*record.exc_info)).rstrip())
        record.msg = DETAIL.sub(REDACTED, str(record.msg))
        return True


def install(app: Flask) -> None:
    app.logger.addFilter(RedactDatabaseDetail())
