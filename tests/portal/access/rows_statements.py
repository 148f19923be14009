"""Grid rows of the bureau's statements: its own issued runs only; another bureau's run is a 404.

Staff read runs in the finance area; the statements are the bureau's view (403 for other roles).
The issued run comes from the SETUP hook in rows_objections.
"""
from .rows import Row
from .rows_objections import PROVIDERS

ROWS = [
    Row("statements.index", "GET", lambda w: "/mijn-afrekeningen", PROVIDERS),
    Row("statements.show", "GET", lambda w: f"/mijn-afrekeningen/{w.extra['statement_run_a'].id}",
        frozenset({"provider_a"}), hidden=frozenset({"provider_b"})),
]
