"""Grid rows of the functioneel beheerder's client pages (issue 12, AVG): the admin only; everyone else 403.

The transfer moves tenant A's client to municipality B (same consortium); later rows still find it by id.
"""
from .rows import Row

ADMIN = frozenset({"admin"})


def admin_client(path: str = ""):
    return lambda w: f"/beheer/clienten/{w.trajectory_a.client_id}{path}"


ROWS = [
    Row("privacy.search", "GET", lambda w: "/beheer/clienten", ADMIN),
    Row("privacy.search_bsn", "POST", lambda w: "/beheer/clienten", ADMIN, data=lambda w: {"bsn": "123456782"}),
    Row("privacy.client", "GET", admin_client(), ADMIN),
    Row("privacy.export_json", "GET", admin_client("/inzage.json"), ADMIN),
    Row("privacy.export_pdf", "GET", admin_client("/inzage.pdf"), ADMIN),
    Row("privacy.transfer", "POST", admin_client("/overdracht"), ADMIN,
        data=lambda w: {"municipality_id": str(w.municipality_b.id)}),
]
