from ..trajectories.conftest import evidence_dir, today, tw  # noqa: F401  (the same small world)
