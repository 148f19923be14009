"""The settlement engine of Resultaatportaal: pure rules, no Flask, no database.

Facts in (frozen dataclasses of `settlement.model`), results out (`settlement.results`).

    scenario = parse_scenario(json.load(file))       # ScenarioError(problems) if invalid
    settlement = evaluate(scenario)                  # or evaluate(scenario, as_of)
    document = settlement_document(settlement)       # reintegratie-settlement/1

The portal calls `evaluate_contract(contract, trajectories, milestones, as_of)` with
facts loaded from its database, `contract_document(result)` for one contract's entry,
`explain_line(result, milestone_ref)` for a line's reasons, and `diff_run(...)` for a
settlement run (section 9). `python -m settlement evaluate FILE` does it from a file.
"""
from .bsn import is_valid_bsn
from .document import contract_document, settlement_document
from .evaluation import evaluate, evaluate_contract
from .explain import explain, explain_line
from .funding import split_amount
from .model import (
    Client,
    Consortium,
    Contract,
    FundingShare,
    Milestone,
    Municipality,
    Norm,
    Provider,
    ReviewDecision,
    Scenario,
    StaffelStep,
    Trajectory,
    Tranche,
)
from .money import fmt_amount, to_cents
from .results import Cohort, ContractSettlement, Invoice, Line, Settlement, Sums, Totals
from .reviews import decision_on, one_decision, status_on
from .runs import Invoiced, RunDocument, RunLine, RunResult, diff_run
from .scenario_reader import parse_scenario
from .scenario_writer import dump_scenario
from .validation import Problem, ScenarioError

__all__ = [
    "Client", "Cohort", "Consortium", "Contract", "ContractSettlement", "FundingShare", "Invoice", "Invoiced",
    "Line", "Milestone", "Municipality", "Norm", "Problem", "Provider", "ReviewDecision", "RunDocument",
    "RunLine", "RunResult", "Scenario", "ScenarioError", "Settlement", "StaffelStep", "Sums", "Totals",
    "Trajectory", "Tranche", "contract_document", "decision_on", "diff_run", "dump_scenario", "evaluate",
    "evaluate_contract", "explain", "explain_line", "fmt_amount", "is_valid_bsn", "one_decision",
    "parse_scenario", "settlement_document", "split_amount", "status_on", "to_cents",
]
