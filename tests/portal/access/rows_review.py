"""The reviewer's area: only the contract manager (role reviewer) reviews claims.

Finance and admin lack the role and get 403: four eyes between paying and judging evidence.
Bureaus and klantmanagers lack it too (403), whatever tenant the claim belongs to.
"""
from .rows import Row

REVIEWER = frozenset({"reviewer"})


def _claim(w) -> str:
    return f"/beoordelen/{w.claim_a.id}"


ROWS = [
    Row("review.queue", "GET", lambda w: "/beoordelen", REVIEWER),
    Row("review.claim", "GET", _claim, REVIEWER),
    Row("review.approve", "POST", lambda w: _claim(w) + "/goedkeuren", REVIEWER),
    Row("review.reject", "POST", lambda w: _claim(w) + "/afkeuren", REVIEWER,
        data=lambda w: {"reason_code": "EVIDENCE_MISSING", "reason_text": "Loonstrook ontbreekt."}),
    # claim_a is pending: the reviewer gets through access and meets the rule (409), the others never get there.
    Row("review.revoke", "POST", lambda w: _claim(w) + "/intrekken", REVIEWER,
        data=lambda w: {"revoke_reason": "Auditbevinding."}),
]
