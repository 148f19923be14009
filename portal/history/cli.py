"""`flask --app wsgi settlement replay --run ID | --all` and `settlement diff` (commands on the settlement group)."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from ..db import get_session
from ..scenarios.cli import _contract_or_fail, _fail, _parse_date, settlement_cli
from .replay import replay


@settlement_cli.command("replay")
@click.option("--run", "run_id", type=int, help="Replay this run.")
@click.option("--all", "all_runs", is_flag=True, help="Replay every issued run.")
@with_appcontext
def replay_command(run_id: int | None, all_runs: bool) -> None:
    """Evaluate issued runs again from the facts as recorded when each was drafted; exit 1 on any difference."""
    if (run_id is None) == (not all_runs):
        click.echo("Give either --run ID or --all.", err=True)
        sys.exit(2)
    session = get_session()
    try:
        count, differences = replay(session, run_id)
        if run_id is not None and count == 0:
            click.echo(f"no run with id {run_id}", err=True)
            sys.exit(2)
        for difference in differences:
            click.echo(str(difference))
        click.echo(f"{count} runs replayed, {len(differences)} differences")
        sys.exit(1 if differences else 0)
    finally:
        session.rollback()


@settlement_cli.command("diff")
@click.option("--contract", "code", required=True)
@click.option("--from", "from_run", required=True, type=int, help="The earlier run's id.")
@click.option("--to", "to", required=True, help="The later run's id, or `preview`.")
@click.option("--as-of", "as_of", help="Reference date of the preview (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True)
@with_appcontext
def diff_command(code: str, from_run: int, to: str, as_of: str | None, as_json: bool) -> None:
    """Compare two runs of a contract (or a run and a preview) line by line, with why each line changed."""
    from .. import models as m
    from .diff import DiffRefused, compare, diff_rows

    session = get_session()
    try:
        contract = _contract_or_fail(session, code)
        old = session.get(m.SettlementRun, from_run)
        if old is None:
            _fail([f"--from: no run with id {from_run}"])
        new = None
        if to != "preview":
            if not to.isdigit() or session.get(m.SettlementRun, int(to)) is None:
                _fail([f"--to: no run with id {to!r} (or give `preview`)"])
            new = session.get(m.SettlementRun, int(to))
        elif as_of is None:
            _fail(["--as-of: required with --to preview"])
        try:
            _, _, lines = compare(session, contract, old, new, _parse_date(as_of, "--as-of") if as_of else None)
        except DiffRefused as error:
            _fail([str(error)])
        rows = diff_rows(lines)
        if as_json:
            click.echo(json.dumps({"contract": code, "from": from_run, "to": to, "lines": rows}, indent=2,
                                  ensure_ascii=False))
        else:
            for row in rows:
                old = " ".join(str(v) for v in (row["old_status"], row["old_amount"], row["old_reason"]) if v) or "-"
                new = " ".join(str(v) for v in (row["new_status"], row["new_amount"], row["new_reason"]) if v) or "-"
                click.echo(f"{row['milestone']}/{row['tranche']}: {old} -> {new}: {row['why']}")
            click.echo(f"{len(rows)} lines differ")
    finally:
        session.rollback()
