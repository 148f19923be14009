"""Grid rows of background jobs and the bulk import.

A job is seen by whoever started it, by the users of its bureau and by holders of the role it is
shared with; everyone else gets 404 (nothing tells that the job exists). The SETUP hook adds a
bulk import of bureau A (started by provider_a) and a finished run export shared with finance.
"""
from portal import clock
from portal.models import Job

from .rows import EVERYONE, Row
from .world import ROLES, SETUP

PROVIDERS = frozenset({"provider_a", "provider_b"})
LOGGED_IN = frozenset(ROLES) - {"anonymous"}


def _jobs(world, db) -> None:
    now = clock.now()
    world.extra["job_import_a"] = Job(kind="bulk_import", started_by_id=world.users["provider_a"].id,
                                      provider_id=world.provider_a.id, title="Import van a.csv", status="running",
                                      params={}, progress_done=3, progress_total=10, phase="Regels controleren",
                                      attempts=1, created_at=now)
    world.extra["job_export"] = Job(kind="run_export", started_by_id=world.users["finance"].id,
                                    shared_with_role="finance", title="Export", status="done", params={},
                                    progress_done=1, progress_total=1, phase="Klaar", attempts=1, created_at=now,
                                    result={"message": "De export is klaar.", "links": [], "report": None},
                                    result_file=b"a;b\r\n", result_filename="x.csv", result_mimetype="text/csv")
    db.add_all([world.extra["job_import_a"], world.extra["job_export"]])
    db.flush()


SETUP.append(_jobs)


def _job(w, name: str) -> int:
    return w.extra[name].id


ROWS = [
    Row("jobs.index", "GET", lambda w: "/taken", EVERYONE),
    Row("jobs.show", "GET", lambda w: f"/taken/{_job(w, 'job_import_a')}", frozenset({"provider_a"}),
        hidden=LOGGED_IN - {"provider_a"}),
    Row("jobs.progress", "GET", lambda w: f"/taken/{_job(w, 'job_import_a')}/voortgang", frozenset({"provider_a"}),
        hidden=LOGGED_IN - {"provider_a"}),
    Row("jobs.download", "GET", lambda w: f"/taken/{_job(w, 'job_export')}/bestand", frozenset({"finance"}),
        hidden=LOGGED_IN - {"finance"}),
    Row("bulk_import.index", "GET", lambda w: "/importeren", PROVIDERS),
    Row("bulk_import.upload", "POST", lambda w: "/importeren", PROVIDERS),
    Row("bulk_import.template", "GET", lambda w: "/importeren/voorbeeld.csv", PROVIDERS),
]

CONSORTIUM = frozenset({"reviewer", "finance", "admin", "klantmanager_a", "klantmanager_b"})
ROWS += [
    Row("jobs.run_export", "POST", lambda w: f"/taken/afrekeningen/{w.extra['run_a'].id}/export",
        frozenset({"finance", "auditor"})),
    Row("jobs.council_report", "POST", lambda w: "/taken/raadsrapportage", CONSORTIUM,
        data=lambda w: {"periode": "ongeldig"}),  # a refused period: access is what is tested here
]
