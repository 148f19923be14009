"""The evidence tests use the trajectory world (bureaus, municipalities, users)."""
from ..trajectories.conftest import storage, today, tw  # noqa: F401
