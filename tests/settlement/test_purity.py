"""The settlement package is pure: no Flask, no portal, no SQLAlchemy (style.md)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "settlement"
# msgspec and orjson: decoding and writing scenario files at C speed (issue 11); both are pure
# serialisation libraries, nothing of the web or the database.
ALLOWED_THIRD_PARTY = {"dateutil", "msgspec", "orjson"}


def test_importing_settlement_loads_no_web_or_database_code():
    code = ("import sys, settlement, settlement.cli, settlement.runs, settlement.explain; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'flask', 'portal', 'sqlalchemy', 'werkzeug', 'jinja2', 'marshmallow'})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent,
                          check=True)
    assert done.stdout.strip() == ""


def test_settlement_imports_only_stdlib_and_serialisation_libraries():
    stdlib = sys.stdlib_module_names
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in stdlib or top in ALLOWED_THIRD_PARTY or top == "settlement", f"{path.name}: {name}"
