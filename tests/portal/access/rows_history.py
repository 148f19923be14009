"""Grid rows of the run diff and the corrections page (uses the issued run of rows_objections' SETUP hook).

Finance compares any runs; a bureau only its own contract's issued runs (another bureau: 404,
the contract is outside its scope); the corrections since the last run are finance's.
"""
from .rows import Row


def _diff(w, suffix: str = "") -> str:
    run = w.extra["statement_run_a"]
    return (f"/afrekeningen/verschil{suffix}?contract={w.contract_a.code}&from={run.id}&to=preview"
            f"&as_of={run.as_of.isoformat()}")


ROWS = [
    Row("history.diff", "GET", _diff, frozenset({"finance", "provider_a"}), hidden=frozenset({"provider_b"})),
    Row("history.diff_csv", "GET", lambda w: _diff(w, ".csv"), frozenset({"finance", "provider_a"}),
        hidden=frozenset({"provider_b"})),
    Row("history.corrections", "GET", lambda w: "/afrekeningen/correcties", frozenset({"finance"})),
]
