"""`flask --app wsgi results --as-of DATE [--contract CODE] --json`."""
from __future__ import annotations

import json
import sys

import click
import settlement
from sqlalchemy import select

from .. import models as m
from ..db import get_session
from ..scenarios.cli import _fail, _parse_date
from .document import results_document
from .service import load_contracts, results_for


@click.command("results")
@click.option("--as-of", "as_of", required=True, help="reference date YYYY-MM-DD")
@click.option("--contract", "code", help="contract code (default: every contract)")
@click.option("--json", "as_json", is_flag=True, help="print the results as JSON")
def results_command(as_of: str, code: str | None, as_json: bool) -> None:
    """Show per contract its cohorts against the norm, with a forecast, and counts per target group."""
    session = get_session()
    day = _parse_date(as_of, "--as-of")
    ids = None
    if code is not None:
        found = session.scalar(select(m.Contract.id).where(m.Contract.code == code))
        if found is None:
            _fail([settlement.Problem("--contract", f"no contract with code {code!r}")])
        ids = [found]
    documents = [results_document(r) for r in results_for(session, load_contracts(session, ids), day)]
    session.commit()  # keep what was computed in the results cache
    if as_json:
        sys.stdout.write(json.dumps({"as_of": day.isoformat(), "contracts": documents}, indent=2) + "\n")
        return
    for document in documents:
        click.echo(f"{document['code']} ({document['provider']}, {document['segment']}) as of {document['as_of']}")
        for cohort in document["cohorts"]:
            line = (f"  {cohort['period_start']}..{cohort['period_end']} {cohort['numerator']}/{cohort['denominator']}"
                    f" rate {cohort['rate']} norm {cohort['norm']} {cohort['status']}")
            if cohort["needed"] is not None:
                line += f" needs {cohort['needed']}, {cohort['can_deliver']} can deliver"
            click.echo(line)
