"""Grid rows of the results pages (meten).

A bureau sees only its own results page (its contracts are the query's start). The consortium
pages are for reviewer, finance, admin and klantmanagers (whose counts are limited to their
municipality; that is tested in tests/portal/results); budgets are the admin's.
"""
from .rows import Row

PROVIDERS = frozenset({"provider_a", "provider_b"})
CONSORTIUM = frozenset({"reviewer", "finance", "admin", "klantmanager_a", "klantmanager_b"})
ADMIN = frozenset({"admin"})

ROWS = [
    Row("results.mine", "GET", lambda w: "/resultaten/mijn", PROVIDERS),
    Row("results.index", "GET", lambda w: f"/resultaten?segment=directe_bemiddeling&contract={w.contract_a.id}",
        CONSORTIUM),
    Row("results.creaming", "GET", lambda w: "/resultaten/creaming", CONSORTIUM),
    Row("results.volume", "GET", lambda w: "/resultaten/volume", CONSORTIUM),
    Row("results.report", "GET", lambda w: "/resultaten/raadsrapportage?periode=2026", CONSORTIUM),
    Row("results.report_pdf", "GET", lambda w: "/resultaten/raadsrapportage.pdf?periode=2026-K1", CONSORTIUM),
    Row("results.report_csv", "GET", lambda w: "/resultaten/raadsrapportage/bureaus.csv?periode=2026", CONSORTIUM),
    Row("results.budgets", "GET", lambda w: "/resultaten/budgetten", ADMIN),
    Row("results.budgets", "POST", lambda w: "/resultaten/budgetten", ADMIN,
        data=lambda w: {"municipality_id": str(w.municipality_a.id), "year": "2026", "amount": "200.000,00"}),
]
