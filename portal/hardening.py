"""Input that no form or URL may carry, and output that no page may show as it came in.

- Ids in URLs fit the database's integer (a larger one is a 404, never an overflow error).
- Text fields carry no NUL or other control characters and no bidirectional overrides: a clear
  Dutch 400 that names the field, before any view runs, so nothing is stored.
- Text shown in pages has its bidirectional controls neutralised (an override cannot turn `gnp.exe`
  into `exe.png` on screen or in a PDF).
- Behind trusted proxies the client address comes from X-Forwarded-For (throttling per address).
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Flask, Response, request
from markupsafe import Markup
from werkzeug.exceptions import BadRequest
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1
#: What the development server calls itself (no product versions).
SERVER_NAME = "Resultaatportaal"
#: C0 controls except tab, newline and carriage return; DEL and C1 controls.
FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Bidirectional embeddings, overrides and isolates (the "Trojan Source" characters).
BIDI_CONTROLS = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
#: Form fields whose content is never shown back and may hold any printable character.
SECRET_FIELDS = frozenset({"password", "current", "new", "repeat", "csrf_token"})


def database_id(value) -> int:
    """An id (or page number) from a form or query string: ValueError unless the database's INTEGER holds it.

    Use as a select's `coerce` or as `request.args.get(name, type=database_id)` (which then gives the default):
    a number beyond the integer range would otherwise reach the database and fail there (a 500).
    """
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError("Kies een waarde uit de lijst.")
    return number


class DatabaseInteger(IntegerConverter):
    """`<int:...>` limited to what an INTEGER column holds."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class InvalidCharacter(BadRequest):
    def __init__(self, field: str):
        super().__init__()
        self.dutch_description = (f"Het veld ‘{field[:60]}’ bevat een teken dat niet is toegestaan "
                                  "(een stuurteken). Er is niets opgeslagen.")


def neutralise_bidi(text: str) -> str:
    """Drop bidirectional controls from text that is shown, printed or exported."""
    return BIDI_CONTROLS.sub("", text)


def refuse_control_characters() -> None:
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if FORBIDDEN.search(name) or (name not in SECRET_FIELDS and
                                          (FORBIDDEN.search(value) or BIDI_CONTROLS.search(value))):
                raise InvalidCharacter(name)
    for upload in request.files.values():
        if upload.filename and (FORBIDDEN.search(upload.filename) or BIDI_CONTROLS.search(upload.filename)):
            raise InvalidCharacter("bestandsnaam")


def _finalize(value):
    if isinstance(value, str) and not isinstance(value, Markup):
        return neutralise_bidi(value)
    return value


def hide_server_version() -> None:
    """No version banner from Werkzeug's development server (`flask run`, the demo): it would send
    `Server: Werkzeug/3.x Python/3.x`. gunicorn sends `Server: gunicorn` without a version (tested)."""
    from werkzeug.serving import WSGIRequestHandler
    WSGIRequestHandler.version_string = lambda self: SERVER_NAME


def register(app: Flask) -> None:
    hide_server_version()
    app.url_map.converters["int"] = DatabaseInteger
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.before_request(refuse_control_characters)
    app.jinja_env.finalize = _finalize


def sealed_file(response: Response, filename: str | None = None) -> Response:
    """Mark a response carrying a user's file (evidence, an attachment, an invoice): never sniffed, never run,
    never cached; with `filename` it is a download under that name (ASCII, plus RFC 5987 for other letters)."""
    if filename is not None:
        response.headers.set("Content-Disposition", "attachment", **_filename_options(filename))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _filename_options(name: str) -> dict[str, str]:
    """The download name as send_file gives it: plain ASCII, plus an RFC 5987 `filename*` for other letters."""
    try:
        name.encode("ascii")
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
        return {"filename": simple, "filename*": f"UTF-8''{quote(name, safe='!#$&+^`|~')}"}
    return {"filename": name}
