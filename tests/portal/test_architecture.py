"""Dependencies point one way: portal -> settlement. The engine never imports the portal or a database."""
from __future__ import annotations

import ast
from pathlib import Path

SETTLEMENT = Path(__file__).resolve().parents[2] / "settlement"
FORBIDDEN = {"flask", "portal", "sqlalchemy", "alembic", "flask_login", "flask_wtf", "werkzeug", "psycopg"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_settlement_imports_no_portal_flask_or_database():
    offenders = {str(p.relative_to(SETTLEMENT)): sorted(imported_modules(p) & FORBIDDEN)
                 for p in SETTLEMENT.rglob("*.py") if imported_modules(p) & FORBIDDEN}
    assert offenders == {}


def test_the_check_sees_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os\nfrom sqlalchemy import select\nfrom . import money\n")
    assert imported_modules(bad) & FORBIDDEN == {"sqlalchemy"}
