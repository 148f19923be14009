"""One decorator per API endpoint: token, tenant kind and scope, validation, idempotency, one transaction.

Each endpoint is declared once with its marshmallow schemas; the same declaration validates the
request, serialises the answer and becomes the endpoint's entry in the OpenAPI document
(portal.api.spec), so the document cannot drift from what the code accepts.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from functools import wraps
from typing import Callable

from flask import Blueprint, Response, current_app, g, request
from marshmallow import Schema, ValidationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from .. import clock
from ..db import get_session
from ..evidence.storage import EvidenceRefused, read_upload
from ..models import User
from ..models.api import ApiIdempotencyKey
from .problems import CODES, MEDIA_TYPE, ApiProblem, flatten_errors, problem_response
from .tokens import authenticate

bp = Blueprint("api", __name__, url_prefix="/api/v1")

TENANTS = ("provider", "municipality")
AUTH_PROBLEMS = {"missing": "Geef een API-token mee: Authorization: Bearer <token>.",
                 "unknown": "Dit API-token is onbekend.", "revoked": "Dit API-token is ingetrokken.",
                 "expired": "Dit API-token is verlopen."}
MAX_KEY = 200
#: How long a stored answer is replayed; after that the key may be used afresh.
KEY_DAYS = 1


@dataclass(frozen=True)
class Endpoint:
    """What the OpenAPI document and the access grid know of one endpoint."""

    name: str                  # Flask endpoint without the "api." prefix
    rule: str
    method: str
    tenants: tuple[str, ...]   # token kinds that may use it
    scope: str                 # "read" or "write"
    summary: str
    tag: str
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    files: bool = False        # multipart with evidence files
    response: type[Schema] | None = None
    many: bool = False
    status: int = 200
    media: str = "application/json"
    conflicts: bool = False    # a state transition: 409 possible
    description: str = ""      # Dutch, for the documentation page (docstrings stay English, for the code)


ENDPOINTS: list[Endpoint] = []


def endpoint(rule: str, method: str, *, tenants: tuple[str, ...], scope: str, summary: str, tag: str,
             query: type[Schema] | None = None, body: type[Schema] | None = None, files: bool = False,
             response: type[Schema] | None = None, many: bool = False, status: int = 200,
             media: str = "application/json", conflicts: bool = False, description: str = ""):
    """Declare and register one API endpoint; the view gets the token's user and the validated input."""

    def decorator(view: Callable):
        spec = Endpoint(view.__name__, rule, method, tenants, scope, summary, tag, query, body, files, response,
                        many, status, media, conflicts, description)
        ENDPOINTS.append(spec)

        @wraps(view)
        def wrapped(**kwargs):
            return _handle(spec, view, kwargs)

        bp.add_url_rule(rule, view.__name__, wrapped, methods=[method])
        return view

    return decorator


def _handle(spec: Endpoint, view: Callable, kwargs: dict) -> Response:
    session = get_session()
    try:
        user = _authorise(spec)
        arguments = _arguments(spec)
        if spec.method == "POST" and request.headers.get("Idempotency-Key"):
            return _idempotent(spec, view, user, kwargs, arguments)
        response = _respond(spec, view(user, **kwargs, **arguments))
        session.commit()
        return response
    except ApiProblem as problem:
        session.rollback()
        return problem_response(problem, request.path)
    except HTTPException as error:  # portal.access answers another tenant's object with abort(404)
        session.rollback()
        return problem_response(ApiProblem(error.code or 500), request.path)


def _authorise(spec: Endpoint) -> User:
    """Authenticate in a short transaction of its own (the rate count holds even if the request fails)."""
    database = current_app.extensions["database"]
    with database.session_factory() as auth_session:
        verdict = authenticate(auth_session, request.headers.get("Authorization"),
                               limit=current_app.config["API_RATE_LIMIT"])
        auth_session.commit()
    if verdict.problem in AUTH_PROBLEMS:
        raise ApiProblem(401, AUTH_PROBLEMS[verdict.problem], code=f"token_{verdict.problem}",
                         headers={"WWW-Authenticate": 'Bearer realm="resultaatportaal"'})
    if verdict.problem == "rate_limited":
        raise ApiProblem(429, f"Te veel verzoeken met dit token; probeer het over {verdict.retry_after} seconden "
                              "opnieuw.", headers={"Retry-After": str(verdict.retry_after)})
    if verdict.kind not in spec.tenants:
        raise ApiProblem(403, "Dit token is van een " + ("re-integratiebedrijf" if verdict.kind == "provider"
                                                         else "gemeente") + "; deze handeling is dat niet.",
                         code="wrong_tenant")
    if spec.scope == "write" and "write" not in verdict.scopes:
        raise ApiProblem(403, "Dit token mag alleen lezen (scope read); deze handeling vraagt scope write.",
                         code="insufficient_scope")
    user = get_session().get(User, verdict.user_id)
    g.api_token_id = verdict.token_id
    return user


def _arguments(spec: Endpoint) -> dict:
    """Validate the query string and the body with the endpoint's schemas; 422 names every field at fault."""
    arguments: dict = {}
    try:
        if spec.query is not None:
            arguments["query"] = spec.query().load(request.args.to_dict())
        if spec.body is not None and spec.files:
            data = {key: value for key, value in request.form.items()}
            arguments["body"] = spec.body().load(data)
            arguments["uploads"] = [read_upload(f.filename, f.stream) for f in request.files.getlist("files")
                                    if f and f.filename]
        elif spec.body is not None:
            payload = request.get_json(silent=True) if request.is_json else None
            if not isinstance(payload, dict):
                raise ApiProblem(400, "Stuur een JSON-object met Content-Type: application/json.",
                                 code="body_not_json")
            arguments["body"] = spec.body().load(payload)
    except ValidationError as error:
        fields = flatten_errors(error.messages)
        raise ApiProblem(422, "Controleer de velden: " + ", ".join(sorted(fields)) + ".", code="validation_failed",
                         fields=fields) from None
    return arguments


def _respond(spec: Endpoint, result) -> Response:
    if isinstance(result, Response):
        return result
    schema = spec.response(many=spec.many) if spec.response is not None else None
    data = schema.dump(result) if schema is not None else result
    return Response(json.dumps(data, ensure_ascii=False), status=spec.status, mimetype="application/json")


def refused(error: Exception) -> ApiProblem:
    """Turn a service's refusal (a Dutch message, perhaps a field) into a problem."""
    status = getattr(error, "status", 422)
    status = 422 if status == 400 else status  # a refusal of well-formed input is unprocessable, not malformed
    fieldname = getattr(error, "field", None) or ("files" if isinstance(error, EvidenceRefused) else None)
    code = {403: "not_allowed", 409: "invalid_transition"}.get(status, "refused")
    return ApiProblem(status, str(error), code=code, fields={fieldname: [str(error)]} if fieldname else None)


# ---------------------------------------------------------------- idempotency

def _request_hash(spec: Endpoint) -> str:
    """Hash what the request asks: the path and the body as parsed (multipart boundaries differ per send)."""
    digest = hashlib.sha256(f"{spec.method} {request.path}\n".encode())
    if request.mimetype == "multipart/form-data":
        digest.update(json.dumps(sorted(request.form.items(multi=True))).encode())
        for name, upload in sorted(request.files.items(multi=True), key=lambda item: (item[0], item[1].filename)):
            content = upload.stream.read()
            upload.stream.seek(0)
            digest.update(f"{name}:{upload.filename}:".encode() + hashlib.sha256(content).digest())
    else:
        payload = request.get_json(silent=True) if request.is_json else None
        digest.update(json.dumps(payload, sort_keys=True).encode() if payload is not None else request.get_data())
    return digest.hexdigest()


def _idempotent(spec: Endpoint, view: Callable, user: User, kwargs: dict, arguments: dict) -> Response:
    """Run a POST once per (token, key): the first success is stored in its own transaction and replayed.

    The key row is inserted before the effect, so a concurrent duplicate waits on the unique index
    until the first transaction ends and then finds the stored answer (PostgreSQL); a refusal rolls
    the row back with everything else, so the key may be used again.
    """
    session = get_session()
    key = request.headers["Idempotency-Key"].strip()
    if not key or len(key) > MAX_KEY:
        raise ApiProblem(422, f"Een Idempotency-Key heeft 1 tot {MAX_KEY} tekens.", code="idempotency_key_invalid",
                         fields={"Idempotency-Key": ["Ongeldige lengte."]})
    fingerprint = _request_hash(spec)
    session.execute(delete(ApiIdempotencyKey).where(ApiIdempotencyKey.token_id == g.api_token_id,
                                                    ApiIdempotencyKey.created_at < clock.now() - timedelta(days=KEY_DAYS)))
    stored = _stored(session, key)
    if stored is None:
        row = ApiIdempotencyKey(token_id=g.api_token_id, key=key, request_hash=fingerprint, status=0,
                                content_type="", body=b"", created_at=clock.now())
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
        except IntegrityError:
            session.rollback()  # the other request committed first: answer as it did
            stored = _stored(session, key)
    if stored is not None:
        if stored.request_hash != fingerprint:
            raise ApiProblem(422, "Deze Idempotency-Key is al gebruikt voor een ander verzoek.",
                             code="idempotency_key_reused", fields={"Idempotency-Key": ["Al gebruikt."]})
        response = Response(stored.body, status=stored.status, content_type=stored.content_type)
        response.headers["Idempotent-Replayed"] = "true"
        return response
    response = _respond(spec, view(user, **kwargs, **arguments))
    row.status, row.content_type, row.body = response.status_code, response.content_type, response.get_data()
    session.flush()
    session.commit()
    return response


def _stored(session, key: str) -> ApiIdempotencyKey | None:
    return session.scalar(select(ApiIdempotencyKey).where(ApiIdempotencyKey.token_id == g.api_token_id,
                                                          ApiIdempotencyKey.key == key))


def http_problem(error: Exception) -> Response:
    """Answer errors outside an endpoint under /api/ as problems too (unknown address, wrong method, a crash)."""
    status = getattr(error, "code", None) or 500
    if status == 400 and getattr(error, "dutch_description", None):  # portal.hardening: a control character
        return problem_response(ApiProblem(400, error.dutch_description, code="invalid_character"), request.path)
    return problem_response(ApiProblem(status if status in CODES else 500), request.path)


__all__ = ["bp", "endpoint", "ENDPOINTS", "refused", "ApiProblem", "MEDIA_TYPE", "TENANTS"]
