"""The OpenAPI document and a readable documentation page, both served by the portal itself.

The page is rendered on the server from the same document (no JavaScript bundle, no CDN): it
works under the portal's strict Content-Security-Policy, is plain accessible HTML in Dutch,
and there is no vendored third-party viewer to keep up to date.
"""
from __future__ import annotations

from flask import jsonify, render_template

from .framework import bp
from .spec import openapi_document


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


def _schema_name(schema: dict | None) -> str | None:
    ref = (schema or {}).get("$ref") or ((schema or {}).get("items") or {}).get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


@bp.get("/docs")
def documentation():
    document = openapi_document()
    operations = []
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            body = (operation.get("requestBody") or {}).get("content", {})
            media, content = next(iter(body.items()), (None, {}))
            schema = content.get("schema") or {}
            body_schema = _schema_name(schema)
            success = next(iter(operation["responses"].items()))
            operations.append({"method": method.upper(), "path": path, "op": operation, "body_media": media,
                               "body_schema": body_schema, "body_inline": None if body_schema else schema, "success_status": success[0],
                               "success_media": next(iter(success[1]["content"])),
                               "success_schema": _schema_name(next(iter(success[1]["content"].values()))["schema"]),
                               "problems": [status for status in operation["responses"] if status != success[0]]})
    tags = sorted({o["op"]["tags"][0] for o in operations})
    return render_template("api/docs.html", document=document, operations=operations, tags=tags,
                           schemas=document["components"]["schemas"])
