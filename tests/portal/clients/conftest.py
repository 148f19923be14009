from ..trajectories.conftest import storage, today, tw  # noqa: F401  (the same small world)
