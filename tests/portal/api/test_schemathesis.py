"""schemathesis over the whole OpenAPI document against a live server on SQLite: no server error, and every
answer conforms to the document (status code, content type, headers, body schema)."""
from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app

from .live import ThreadedServer, copy_of_migrated, seed_database

CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
          "response_schema_conformance")
MUNICIPALITY_OPERATIONS = "^(lookup_client|create_client|list_contracts|refer|end_trajectory|approve_plan|return_plan)$"


def schemathesis(base: str, token: str, operations: tuple[str, str], report: Path) -> subprocess.CompletedProcess:
    """Run the schemathesis CLI, bounded: a fixed seed, three examples per operation, no shrinking."""
    command = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{base}/api/v1/openapi.json",
               "--checks", CHECKS, "--max-examples", "3", "--seed", "1", "--no-shrink", "--workers", "1",
               "--phases", "examples,fuzzing", "--header", f"Authorization: Bearer {token}", *operations]
    with report.open("w") as output:
        # In the report directory: schemathesis keeps a cache folder in its working directory.
        return subprocess.run(command, stdout=output, stderr=subprocess.STDOUT, timeout=120, cwd=report.parent)


def test_schemathesis_finds_no_server_error_and_no_deviation(database_url, tmp_path, request):
    if not database_url.startswith("sqlite"):
        pytest.skip("schemathesis runs on SQLite (the issue's bound); PostgreSQL has the client walk")
    seed = seed_database(copy_of_migrated(database_url, tmp_path, request))
    app = create_app({"TESTING": True, "DATABASE_URL": seed.url, "EVIDENCE_DIR": str(tmp_path / "evidence"),
                      "API_RATE_LIMIT": 100_000, "PROPAGATE_EXCEPTIONS": False})
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with ThreadedServer(app) as base:
        runs = {"bureau": schemathesis(base, seed.bureau_token,
                                       ("--exclude-operation-id-regex", MUNICIPALITY_OPERATIONS),
                                       tmp_path / "bureau.txt"),
                "municipality": schemathesis(base, seed.municipality_token,
                                             ("--include-operation-id-regex", MUNICIPALITY_OPERATIONS),
                                             tmp_path / "municipality.txt")}
    for name, run in runs.items():
        output = (tmp_path / f"{name}.txt").read_text()
        assert run.returncode == 0, output[-6000:]
        assert " passed" in output and "Tested: 0" not in output
