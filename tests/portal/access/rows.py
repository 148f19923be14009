"""Grid rows: one per URL (endpoint + method), with who may use it on tenant A's object.

Every area adds its rows in its own module `rows_<area>.py` as a list named ROWS;
test_grid.py collects them all and fails when an endpoint of the app has no row.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .world import OTHER_CONSORTIUM, ROLES, World

EVERYONE = frozenset(ROLES) - {"anonymous"}

#: What "got through" may look like: a page, a download, a redirect after a change, or a form sent back
#: with its errors (400 or 422). Anything else (401, 405, 409, 429, 5xx) is a finding.
THROUGH = frozenset({200, 201, 302, 303, 400, 422})
#: State transitions that the grid's one shared world cannot always make for every allowed role in turn
#: (the first role already submitted the run, accepted the referral, ...): for these, 409 Conflict also
#: proves that access was granted and the state machine, not the access check, answered.
STATE_TRANSITIONS = frozenset({
    "finance.submit", "finance.approve", "finance.send_back", "finance.discard",
    "objections.create", "review.revoke", "trajectories.accept", "trajectories.decline",
    "trajectories.approve_plan", "trajectories.return_plan",
})
STAFF = frozenset({"reviewer", "finance", "admin"})

# The auditor (issue 15) reads the consortium's pages and changes nothing: these GETs of other areas let it
# through, every other row of another area is a 403 for it (unless the row names it in `allowed` itself).
AUDITOR_READS = frozenset({
    "trajectories.show", "evidence.download", "evidence.preview", "admin.contract", "objections.queue", "objections.show",
    "finance.runs", "finance.run", "finance.run_export", "finance.invoices", "finance.invoice", "objections.attachment",
    "finance.invoice_pdf", "finance.invoice_ubl", "clients.ladder_page",
})


# Master data the consortia share: another consortium's staff reach these objects as A's do.
SHARED: frozenset[str] = frozenset()
# Rows that name an object of consortium A in the form rather than the path (or hide it from another tenant).
NAMED_OUTSIDE_PATH = frozenset({"finance.create_run"})


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset[str]            # roles that get through (2xx, 3xx, or a 400 form error)
    hidden: frozenset[str] = frozenset()  # roles that get 404: another tenant's object
    data: Callable[[World], dict] = field(default=lambda w: {})
    public: bool = False               # anonymous users get through too

    @property
    def through(self) -> frozenset[int]:
        return THROUGH | {409} if self.endpoint in STATE_TRANSITIONS else THROUGH

    def expected(self, role: str, url: str = "") -> str:
        if role in OTHER_CONSORTIUM:
            # Staff of another consortium pass the same role gates, but consortium A's objects do not exist for them.
            like = self.expected(OTHER_CONSORTIUM[role])
            names_object = (any(part.isdigit() for part in url.split("?")[0].split("/"))
                            or bool(self.hidden) or self.endpoint in NAMED_OUTSIDE_PATH)
            return "hidden" if like == "allowed" and names_object and self.endpoint not in SHARED else like
        if role == "anonymous":
            return "allowed" if self.public else "login"
        if role in self.allowed or (role == "auditor" and self.method == "GET" and self.endpoint in AUDITOR_READS):
            return "allowed"
        if role in self.hidden:
            return "hidden"
        return "forbidden"
