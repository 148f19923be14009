"""Grid rows of the evidence download; the SETUP hook puts a stored file on claim_a."""
from portal.evidence.storage import Upload, attach_evidence, check_upload
from portal.storage import get_storage

from ...factories import PDF_BYTES, PNG_BYTES
from .rows import STAFF, Row
from .world import SETUP


def _evidence_on_claim_a(world, db) -> None:
    checked = check_upload(Upload("loonstrook.pdf", PDF_BYTES))
    world.extra["evidence_a"] = attach_evidence(db, None, world.claim_a, checked, kind="payslip",
                                                storage=get_storage())
    photo = check_upload(Upload("foto.png", PNG_BYTES))
    world.extra["image_a"] = attach_evidence(db, None, world.claim_a, photo, kind="payslip", storage=get_storage())


SETUP.append(_evidence_on_claim_a)

ROWS = [
    Row("evidence.download", "GET", lambda w: f"/bewijs/{w.extra['evidence_a'].id}",
        frozenset({"provider_a", "klantmanager_a"}) | STAFF, hidden=frozenset({"provider_b", "klantmanager_b"})),
    Row("evidence.preview", "GET", lambda w: f"/bewijs/{w.extra['image_a'].id}/voorbeeld/1.png",
        frozenset({"provider_a", "klantmanager_a"}) | STAFF, hidden=frozenset({"provider_b", "klantmanager_b"})),
]
