"""Grid rows of the klantmanager's and the bureau's pages; the object is tenant A's (trajectory_a, its client)."""
from .rows import EVERYONE, STAFF, Row

BUREAU = frozenset({"provider_a"})
KLANTMANAGER = frozenset({"klantmanager_a"})
BUREAUS = frozenset({"provider_a", "provider_b"})
KLANTMANAGERS = frozenset({"klantmanager_a", "klantmanager_b"})
OTHER_BUREAU = frozenset({"provider_b"})
OTHER_KLANTMANAGER = frozenset({"klantmanager_b"})


def trajectory(path: str = ""):
    return lambda w: f"/trajecten/{w.trajectory_a.id}{path}"


def client(path: str = ""):
    return lambda w: f"/clienten/{w.trajectory_a.client_id}{path}"


ROWS = [
    # Lists without an object: every bureau and klantmanager sees its own part.
    Row("trajectories.index", "GET", lambda w: "/trajecten", EVERYONE),
    Row("trajectories.export", "GET", lambda w: "/trajecten/export.csv", BUREAUS | KLANTMANAGERS),
    Row("trajectories.inbox", "GET", lambda w: "/aanmeldingen", BUREAUS),
    # One trajectory: its bureau, its municipality's klantmanager and the consortium's staff.
    Row("trajectories.show", "GET", trajectory(), BUREAU | KLANTMANAGER | STAFF,
        hidden=OTHER_BUREAU | OTHER_KLANTMANAGER),
    Row("trajectories.accept", "POST", trajectory("/accepteren"), BUREAU, hidden=OTHER_BUREAU,
        data=lambda w: {"start": "2026-02-01"}),
    Row("trajectories.decline", "POST", trajectory("/weigeren"), BUREAU, hidden=OTHER_BUREAU,
        data=lambda w: {"reason": "Geen plek"}),
    Row("trajectories.plan", "GET", trajectory("/plan"), BUREAU, hidden=OTHER_BUREAU),
    Row("trajectories.plan", "POST", trajectory("/plan"), BUREAU, hidden=OTHER_BUREAU,
        data=lambda w: {"text": "Werkfit maken, sollicitatietraining en matching."}),
    Row("trajectories.claim", "GET", trajectory("/declareren"), BUREAU, hidden=OTHER_BUREAU),
    Row("trajectories.claim", "POST", trajectory("/declareren"), BUREAU, hidden=OTHER_BUREAU,
        data=lambda w: {"type": "intake", "happened": "2026-02-03", "evidence_kind": "other"}),
    Row("trajectories.placement", "GET", trajectory("/plaatsing"), BUREAU, hidden=OTHER_BUREAU),
    Row("trajectories.placement", "POST", trajectory("/plaatsing"), BUREAU, hidden=OTHER_BUREAU,
        data=lambda w: {"employer_name": "Bakkerij"}),
    Row("trajectories.approve_plan", "POST", trajectory("/plan/goedkeuren"), KLANTMANAGER,
        hidden=OTHER_KLANTMANAGER),
    Row("trajectories.return_plan", "POST", trajectory("/plan/terugsturen"), KLANTMANAGER,
        hidden=OTHER_KLANTMANAGER, data=lambda w: {"feedback": "Meer over taal"}),
    Row("trajectories.end", "GET", trajectory("/beeindigen"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER),
    Row("trajectories.end", "POST", trajectory("/beeindigen"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER,
        data=lambda w: {"end": "2026-03-01", "reason": "work"}),
    # Clients: only the klantmanagers, a client of another municipality is a 404.
    Row("trajectories.find_client", "GET", lambda w: "/aanmelden", KLANTMANAGERS),
    Row("trajectories.find_client", "POST", lambda w: "/aanmelden", KLANTMANAGERS,
        data=lambda w: {"bsn": "123456782"}),
    Row("trajectories.new_client", "GET", lambda w: "/clienten/nieuw", KLANTMANAGERS),
    Row("trajectories.new_client", "POST", lambda w: "/clienten/nieuw", KLANTMANAGERS,
        data=lambda w: {"bsn": "12345"}),
    Row("trajectories.client", "GET", client(), KLANTMANAGER, hidden=OTHER_KLANTMANAGER),
    Row("trajectories.reveal", "POST", client("/bsn"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER),
    Row("trajectories.refer", "GET", client("/aanmelden"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER),
    Row("trajectories.refer", "POST", client("/aanmelden"), KLANTMANAGER, hidden=OTHER_KLANTMANAGER,
        data=lambda w: {"contract_id": str(w.contract_a.id), "referred_on": "2026-03-01"}),
]
