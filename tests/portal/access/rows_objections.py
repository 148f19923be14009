"""Grid rows of the objections; the SETUP hook issues a run for contract_a with a withheld line and an open objection.

A bureau objects to lines of its own issued runs only (another bureau: 404) and reads its own
objections; only the contract manager (role reviewer) sees the queue and decides. Finance,
admin and klantmanagers lack both roles (403).
"""
from datetime import date

from portal.finance.issuing import approve_run
from portal.finance.runs import last_issued_as_of, start_run, submit_run
from portal.evidence.storage import Upload
from portal.objections.service import attachments_of as objection_attachments, file_objection
from portal.storage import get_storage

from ... import factories as f
from ...factories import PDF_BYTES
from .rows import Row
from .world import SETUP

AS_OF = date(2026, 6, 30)
PROVIDERS = frozenset({"provider_a", "provider_b"})
REVIEWER = frozenset({"reviewer"})
MOTIVATION = "De intake is op tijd per e-mail ingediend; zie de bevestiging."


def _issued_run_with_objection(world, db) -> None:
    trajectory = f.create_trajectory(db, world.contract_a, world.municipality_a, start=date(2026, 2, 1))
    late = f.create_claim(db, trajectory, "intake", happened=date(2026, 2, 3), submitted=date(2026, 5, 1),
                          review="approved", reviewed=date(2026, 5, 5))
    preparer, approver = world.users["finance"], f.create_user(db, "finance")
    last = last_issued_as_of(db, world.contract_a.id)
    run = start_run(db, preparer, world.contract_a, max(AS_OF, last) if last else AS_OF)
    submit_run(db, preparer, run)
    approve_run(db, approver, run.id)
    line = next(line for line in run.lines if line.claim_id == late.id)
    assert (line.status, line.reason) == ("withheld", "LATE_SUBMISSION")
    objection = file_objection(db, world.users["provider_a"], line, MOTIVATION,
                               attachments=[Upload("bevestiging.pdf", PDF_BYTES)], storage=get_storage())
    world.extra.update(statement_run_a=run, withheld_line_a=line, objection_a=objection,
                       objection_attachment_a=objection_attachments(db, objection)[0])


SETUP.append(_issued_run_with_objection)


def _line(w) -> str:
    return f"/bezwaren/nieuw/{w.extra['withheld_line_a'].id}"


def _objection(w) -> str:
    return f"/bezwaren/{w.extra['objection_a'].id}"


ROWS = [
    Row("objections.new", "GET", _line, frozenset({"provider_a"}), hidden=frozenset({"provider_b"})),
    # provider_a meets the rule (an objection is already open: 409); provider_b never learns the line exists.
    Row("objections.create", "POST", _line, frozenset({"provider_a"}), hidden=frozenset({"provider_b"}),
        data=lambda w: {"motivation": MOTIVATION}),
    Row("objections.mine", "GET", lambda w: "/bezwaren/mijn", PROVIDERS),
    Row("objections.queue", "GET", lambda w: "/bezwaren", REVIEWER),
    Row("objections.show", "GET", _objection, REVIEWER | {"provider_a"}, hidden=frozenset({"provider_b"})),
    Row("objections.attachment", "GET",
        lambda w: _objection(w) + f"/bijlagen/{w.extra['objection_attachment_a'].id}", REVIEWER | {"provider_a"},
        hidden=frozenset({"provider_b"})),
    Row("objections.decide", "POST", lambda w: _objection(w) + "/besluit", REVIEWER,
        data=lambda w: {"decision": "reject", "reason": "Geen bewijs van eerdere indiening."}),
]
