"""The statements use the objection world: an issued run with paid and withheld lines (objections/conftest.py)."""
from ..objections.conftest import ow, today  # noqa: F401  (fixtures)
