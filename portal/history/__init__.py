"""History that holds: replaying issued runs, corrections as new versions, and the diff between runs."""
