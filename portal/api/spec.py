"""The OpenAPI 3.1 document, generated from the endpoint declarations and their marshmallow schemas (apispec)."""
from __future__ import annotations

import re
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from ..hardening import MAX_ID
from . import schemas
from .framework import ENDPOINTS, Endpoint
from .problems import MEDIA_TYPE, TITLES

TITLE = "Resultaatportaal API"
VERSION = "1.0.0"
INTRO = ("De API van het Resultaatportaal voor de systemen van re-integratiebedrijven en gemeenten. "
         "Elk verzoek draagt een API-token (`Authorization: Bearer …`) dat een beheerder uitgeeft voor één "
         "re-integratiebedrijf of één gemeente, met scope `read` of `read write`. Elke POST accepteert een "
         "`Idempotency-Key`: dezelfde sleutel met hetzelfde verzoek geeft het eerste antwoord opnieuw, zonder "
         "tweede effect; met een ander verzoek volgt 422. Fouten zijn `application/problem+json` (RFC 9457) "
         "met een `code`, een Nederlandse `detail` en per veld de meldingen. Een object van een andere "
         "organisatie bestaat voor u niet (404).")
PARAM = re.compile(r"<(?:int:)?([a-z_]+)>")
#: Problems every authenticated endpoint may answer.
COMMON_PROBLEMS = (400, 401, 403, 429)


def path_of(rule: str) -> str:
    return "/api/v1" + PARAM.sub(r"{\1}", rule)


def _problem(status: int) -> dict:
    return {"description": TITLES[status], "content": {MEDIA_TYPE: {"schema": "ProblemOut"}}}


def _form_schema(plugin: MarshmallowPlugin, endpoint: Endpoint) -> dict:
    """The multipart body: the schema's fields as form fields, plus the evidence files."""
    schema = plugin.converter.schema2jsonschema(endpoint.body)
    schema["properties"]["files"] = {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"},
                                     "description": "Bewijsstukken (PDF, PNG of JPEG; op inhoud gecontroleerd)."}
    schema["required"] = sorted(set(schema.get("required", [])) | {"files"})
    return schema


def _operation(endpoint: Endpoint, plugin: MarshmallowPlugin) -> dict:
    statuses = set(COMMON_PROBLEMS)
    parameters = [{"in": "path", "name": name, "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
                  for name in PARAM.findall(endpoint.rule)]
    if parameters:
        statuses.add(404)
    if endpoint.query is not None:
        parameters.append({"in": "query", "schema": endpoint.query})
        statuses.add(422)
    if endpoint.method == "POST":
        parameters.append({"in": "header", "name": "Idempotency-Key", "required": False,
                           "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                           "description": "Maakt het verzoek veilig om te herhalen."})
        statuses |= {413, 415, 422}
    if endpoint.conflicts:
        statuses.add(409)
    if endpoint.body is not None and any(name.endswith("_id") for name in endpoint.body().fields):
        statuses.add(404)  # the body names an object (a settlement line, a contract) that may be another's
    if endpoint.name in ("create_client",):
        statuses.add(409)
    if endpoint.media == "application/json":
        schema = {"type": "array", "items": endpoint.response} if endpoint.many else endpoint.response
        success = {"description": "Gelukt", "content": {"application/json": {"schema": schema or {}}}}
    else:
        success = {"description": "Het document zoals uitgegeven",
                   "content": {endpoint.media: {"schema": {"type": "string", "format": "binary"}}}}
    operation = {"operationId": endpoint.name, "summary": endpoint.summary, "description": endpoint.description,
                 "tags": [endpoint.tag], "parameters": parameters,
                 "x-tokens": [("bureau" if t == "provider" else "gemeente") for t in endpoint.tenants],
                 "x-scope": endpoint.scope,
                 "responses": {str(endpoint.status): success,
                               **{str(status): _problem(status) for status in sorted(statuses)}}}
    if endpoint.body is not None and endpoint.files:
        operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {
            "schema": _form_schema(plugin, endpoint)}}}
    elif endpoint.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": endpoint.body}}}
    return operation


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    """Return the OpenAPI document (built once per process; the declarations do not change at run time)."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.1.0", plugins=[plugin],
                   info={"description": INTRO}, servers=[{"url": "/"}])
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer",
                                              "description": "Een API-token van de beheerder."})
    spec.components.schema("ProblemOut", schema=schemas.ProblemOut)
    paths: dict[str, dict] = {}
    for endpoint in ENDPOINTS:
        paths.setdefault(endpoint.rule, {})[endpoint.method.lower()] = _operation(endpoint, plugin)
    for rule, operations in paths.items():
        spec.path(path=path_of(rule), operations=operations)
    document = spec.to_dict()
    document["security"] = [{"token": []}]
    return document
