"""`flask --app wsgi import-scenario FILE`, `export-scenario`, `settlement preview` and `settlement explain`."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
import orjson
import settlement
from settlement.scenario_fast import read_scenario
from flask.cli import AppGroup, with_appcontext

from ..db import get_session
from ..finance.facts import load_contract
from ..finance.preview import preview, preview_document
from .exporter import AnonymisedClients, export_scenario
from .importer import ImportRefused, import_scenario


def _fail(problems) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    sys.exit(2)


def _parse_date(value: str, option: str) -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        _fail([settlement.Problem(option, f"not a real date in the form YYYY-MM-DD: {value!r}")])


def _contract_or_fail(session, code: str):
    contract = load_contract(session, code)
    if contract is None:
        _fail([settlement.Problem("--contract", f"no contract with code {code!r}")])
    return contract


@click.command("import-scenario")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def import_scenario_command(file: str) -> None:
    """Load a scenario file into the database: validated, all or nothing (exit 2 on any problem)."""
    scenario = _read_scenario(file)
    session = get_session()
    try:
        summary = import_scenario(session, scenario, progress=_show_progress)
    except ImportRefused as refused:
        session.rollback()
        _fail(refused.problems)
    click.echo("committing…", err=True)
    session.commit()
    click.echo(f"imported {summary.contracts} contracts, {summary.clients} clients, "
               f"{summary.trajectories} trajectories, {summary.milestones} milestones")


def _read_scenario(file: str) -> settlement.Scenario:
    try:
        with open(file, "rb") as handle:
            raw = handle.read()
    except OSError as error:
        _fail([settlement.Problem(file, f"cannot read JSON: {error}")])
    click.echo(f"reading {file}…", err=True)
    scenario = read_scenario(raw)  # the fast way; None sends the file through the full validator
    if scenario is not None:
        return scenario
    try:
        data = json.loads(raw)
    except ValueError as error:
        _fail([settlement.Problem(file, f"cannot read JSON: {error}")])
    del raw
    try:
        return settlement.parse_scenario(data)
    except settlement.ScenarioError as error:
        _fail(error.problems)


_NAMES = {"clients": "cliënten", "trajectories": "trajecten", "milestones": "mijlpalen"}


def _show_progress(what: str, done: int, total: int) -> None:
    click.echo(f"{_NAMES.get(what, what)}: {done:,}/{total:,}", err=True)


@click.command("export-scenario")
@click.option("--contract", "code", required=True, help="contract code")
@click.option("--as-of", "as_of", help="reference date YYYY-MM-DD (default: today)")
@click.option("--with-clients", is_flag=True, help="include the clients with their BSN (audited)")
@click.option("--output", type=click.Path(dir_okay=False), help="file to write (default: stdout)")
@with_appcontext
def export_scenario_command(code: str, as_of: str | None, with_clients: bool, output: str | None) -> None:
    """Write one contract's facts as a scenario document."""
    from .. import clock
    session = get_session()
    contract = _contract_or_fail(session, code)
    day = _parse_date(as_of, "--as-of") if as_of else clock.today()
    try:
        scenario = export_scenario(session, contract, day, with_clients=with_clients)
    except AnonymisedClients as refused:
        _fail([refused])
    session.commit()  # the audit event of an export with BSNs
    text = json.dumps(settlement.dump_scenario(scenario), indent=2) + "\n"
    if output:
        with open(output, "w") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


settlement_cli = AppGroup("settlement", help="Settlement previews from the database.")


@settlement_cli.command("preview")
@click.option("--contract", "code", required=True, help="contract code")
@click.option("--as-of", "as_of", required=True, help="reference date YYYY-MM-DD")
@click.option("--json", "as_json", is_flag=True, help="print the settlement document (reintegratie-settlement/1)")
def preview_command(code: str, as_of: str, as_json: bool) -> None:
    """Show what is payable, withheld and pending for a contract as of a date (nothing is stored)."""
    session = get_session()
    result = preview(session, _contract_or_fail(session, code), _parse_date(as_of, "--as-of"))
    if as_json:
        # orjson writes what json.dumps(indent=2) would, without its pure-Python indenting encoder.
        document = preview_document(result)
        sys.stdout.flush()
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        sys.stdout.buffer.flush()
        return
    totals = result.totals
    click.echo(f"{result.code} as of {result.as_of}: payable {totals.payable}, withheld {totals.withheld}, "
               f"pending {totals.pending}")
    for line in result.lines:
        click.echo(f"  {line.milestone:10s} {line.trajectory:10s} {line.tranche:12s} {line.amount:>10} "
                   f"{line.status:9s} {line.reason or ''}")
    for invoice in result.invoices:
        click.echo(f"  invoice {invoice.municipality}: {invoice.subtotal} + VAT {invoice.vat} = {invoice.total}")


@settlement_cli.command("explain")
@click.option("--contract", "code", required=True, help="contract code")
@click.option("--as-of", "as_of", required=True, help="reference date YYYY-MM-DD")
@click.option("--line", "milestone", required=True, help="milestone (claim) ref")
def explain_command(code: str, as_of: str, milestone: str) -> None:
    """Explain in plain words why a line is payable, withheld or pending."""
    session = get_session()
    result = preview(session, _contract_or_fail(session, code), _parse_date(as_of, "--as-of"))
    try:
        click.echo(settlement.explain_line(result, milestone))
    except LookupError as missing:
        _fail([settlement.Problem("--line", str(missing.args[0]))])
