"""Errors as application/problem+json (RFC 9457): a machine `code`, a Dutch `detail`, the field paths."""
from __future__ import annotations

import json
import re

from flask import Response

TITLES = {
    400: "Ongeldig verzoek", 401: "Niet geauthenticeerd", 403: "Geen toegang", 404: "Niet gevonden",
    405: "Methode niet toegestaan", 409: "Conflict", 413: "Te groot", 415: "Verkeerd mediatype",
    422: "Niet te verwerken", 429: "Te veel verzoeken", 500: "Er ging iets mis",
}
CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "invalid", 429: "rate_limited",
         500: "server_error"}
DETAILS = {
    400: "Het verzoek kon niet worden gelezen.", 401: "Geef een geldig API-token mee (Authorization: Bearer …).",
    403: "Dit token heeft geen recht op deze handeling.",
    404: "Dit object bestaat niet of dit token heeft er geen toegang toe.",
    405: "Deze methode kan op dit adres niet.", 409: "De toestand van het object staat deze handeling niet toe.",
    413: "Het verzoek is groter dan 10 MB.", 415: "Gebruik application/json.",
    422: "De gegevens konden niet worden verwerkt.", 429: "Te veel verzoeken met dit token; wacht even.",
    500: "Er ging iets mis; er is niets opgeslagen.",
}
MEDIA_TYPE = "application/problem+json"


class ApiProblem(Exception):
    """A refusal the API answers with a problem document; nothing of the request is stored."""

    def __init__(self, status: int, detail: str | None = None, *, code: str | None = None,
                 fields: dict[str, list[str]] | None = None, headers: dict[str, str] | None = None):
        super().__init__(detail or DETAILS.get(status, ""))
        self.status, self.code = status, code or CODES.get(status, "error")
        self.detail = detail or DETAILS.get(status, "")
        self.fields, self.headers = fields or {}, headers or {}


def problem_response(problem: ApiProblem, instance: str | None = None) -> Response:
    """Return the problem as an RFC 9457 response."""
    body = {"type": f"https://resultaatportaal.example/problemen/{problem.code}",
            "title": TITLES.get(problem.status, "Fout"), "status": problem.status, "code": problem.code,
            "detail": problem.detail}
    if instance:
        body["instance"] = instance
    if problem.fields:
        body["errors"] = [{"field": name, "messages": messages} for name, messages in sorted(problem.fields.items())]
    response = Response(json.dumps(body, ensure_ascii=False), status=problem.status, mimetype=MEDIA_TYPE)
    for name, value in problem.headers.items():
        response.headers[name] = value
    return response


#: marshmallow's English messages in Dutch (our own validators speak Dutch already).
DUTCH = (
    (re.compile(r"^Missing data for required field\.$"), "Dit veld is verplicht."),
    (re.compile(r"^Field may not be null\.$"), "Dit veld mag niet leeg (null) zijn."),
    (re.compile(r"^Unknown field\.$"), "Onbekend veld."),
    (re.compile(r"^Invalid input type\.$"), "Verwacht een JSON-object."),
    (re.compile(r"^Not a valid string\.$"), "Verwacht tekst."),
    (re.compile(r"^Not a valid integer\.$"), "Verwacht een geheel getal."),
    (re.compile(r"^Not a valid (number|decimal)\.$"), "Verwacht een getal."),
    (re.compile(r"^Special numeric values .*$"), "Verwacht een gewoon getal."),
    (re.compile(r"^Number too large\.$"), "Dit getal is te groot."),
    (re.compile(r"^Not a valid boolean\.$"), "Verwacht true of false."),
    (re.compile(r"^Not a valid date\.$"), "Verwacht een datum als jjjj-mm-dd."),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), r"Minstens \1 tekens."),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), r"Hoogstens \1 tekens."),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), r"Tussen \1 en \2 tekens."),
    (re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
     r"Kies een waarde van \1 tot en met \2."),
    (re.compile(r"^Must be one of: (.*)\.$"), r"Kies een van: \1."),
    (re.compile(r"^Invalid value\.$"), "Ongeldige waarde."),
)


def dutch(message: str) -> str:
    for pattern, replacement in DUTCH:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


def flatten_errors(messages, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into {"a.b": [...]} with dotted field paths."""
    found: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            found.update(flatten_errors(value, path))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        found[prefix or "_schema"] = [dutch(m) for m in messages]
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            found.update(flatten_errors(value, f"{prefix}.{index}"))
    else:
        found[prefix or "_schema"] = [dutch(str(messages))]
    return found
