"""Background jobs (issue 14): a job is a service call with a progress callback.

`runner.start` records the job, `runner.dispatch` runs it: inline in the caller's transaction
(SQLite, the demo, tests) or through the PostgreSQL queue (`queue.py`, procrastinate) in a
worker (`flask --app wsgi worker`). The work functions are the same either way (`kinds.py`).
"""
