"""The settlement engine of Resultaatportaal: pure rules, no Flask, no database.

Facts in (frozen dataclasses of `settlement.model`), results out (`settlement.results`).

    scenario = parse_scenario(json.load(file))       # ScenarioError(problems) if invalid
    settlement = evaluate(scenario)                  # or evaluate(scenario, as_of)
    document = settlement_document(settlement)       # reintegratie-settlement/1

The portal calls `evaluate_contract(contract, trajectories, milestones, as_of)` with
facts loaded from its database, `contract_document(result)` for one contract's entry,
`explain_line(result, milestone_ref)` for a line's reasons, `outlook_if_approved(...)` for what
approving a claim today would lead to, and `issue_run(result, invoiced)`
for a settlement run (section 9); `issue_runs(scenario, dates)` issues runs over time.
`python -m settlement evaluate|runs|explain FILE` does it from a file.
"""
from .bsn import is_valid_bsn
from .claim_outlook import ClaimOutlook, outlook_if_approved
from .document import contract_document, settlement_document
from .evaluation import evaluate, evaluate_contract
from .explain import explain, explain_line
from .explain_runs import explain_runs
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
from .runs import Invoiced, RunDocument, RunLine, RunResult, documents_of, issue_run, statuses_of
from .runs_over_time import RunDatesGoBack, ScenarioRun, issue_runs, runs_document
from .scenario_reader import parse_scenario
from .scenario_writer import dump_scenario
from .terms import is_late, submission_deadline
from .validation import Problem, ScenarioError

__all__ = [
    "ClaimOutlook", "Client", "Cohort", "Consortium", "Contract", "ContractSettlement", "FundingShare", "Invoice", "Invoiced",
    "Line", "Milestone", "Municipality", "Norm", "Problem", "Provider", "ReviewDecision", "RunDatesGoBack",
    "RunDocument", "RunLine", "RunResult", "Scenario", "ScenarioError", "ScenarioRun", "Settlement", "StaffelStep",
    "Sums", "Totals", "Trajectory", "Tranche", "contract_document", "decision_on", "documents_of", "dump_scenario",
    "evaluate", "evaluate_contract", "explain", "explain_line", "explain_runs", "fmt_amount", "is_late", "is_valid_bsn",
    "issue_run", "issue_runs", "one_decision", "outlook_if_approved", "parse_scenario", "runs_document", "settlement_document",
    "split_amount", "status_on", "statuses_of", "submission_deadline", "to_cents",
]
