"""The evidence tests use the trajectory world (bureaus, municipalities, users)."""
from ..trajectories.conftest import evidence_dir, today, tw  # noqa: F401
