"""Background jobs: long work (imports, index rebuilds, demo builds) run by the worker.

A ``Job`` row is the user-visible record with progress; the task queue (Django's
tasks framework, database backend) carries only the job id. Handlers register by
kind. A handler writes only through services, each of which is one transaction, so
a failure leaves nothing half-done (an import checks every row before its single
writing transaction); the job then records why.
"""

import logging
import traceback
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ducha.core.audit import audit_record
from ducha.core.choices import JobStatus
from ducha.core.models import Job

logger = logging.getLogger("ducha.jobs")
HANDLERS: dict[str, Callable[["Job", "Progress"], dict]] = {}


def job_handler(kind: str):
    def register(fn):
        HANDLERS[kind] = fn
        return fn

    return register


class Progress:
    """Updates the job's counters so pages and the CLI can follow the work.

    Outside a transaction the row is updated directly. Inside one (a service's write
    phase), PostgreSQL gets the update through a second connection so it is visible
    before commit; SQLite allows one writer at a time, so there the counters simply
    catch up when the transaction commits (the message says it is writing)."""

    def __init__(self, job: Job, echo: Callable[[int, int, str], None] | None = None):
        self.job = job
        self.echo = echo

    def __call__(self, done: int, total: int = 0, message: str = "") -> None:
        fields = {"done": done, "message": message[:300]}
        if total:
            fields["total"] = total
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            Job.objects.filter(pk=self.job.pk).update(**fields)
        elif connection.vendor != "sqlite":
            _update_outside(self.job.pk, fields)
        if self.echo:
            self.echo(done, total, message)


def _update_outside(pk: int, fields: dict) -> None:
    """Write progress through a second connection so it is visible before commit."""
    from django.db import connections

    alias = "progress"
    if alias not in connections.settings:
        connections.settings[alias] = {**connections.settings["default"]}
    try:
        Job.objects.using(alias).filter(pk=pk).update(**fields)
    except Exception:  # progress is best effort; the work itself must not fail because of it
        logger.debug("progress update skipped", exc_info=True)


def job_files_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


@transaction.atomic
def job_create(*, actor, kind: str, label: str, params: dict) -> Job:
    if kind not in HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job(kind=kind, label=label[:200], params=params, created_by=actor if getattr(actor, "pk", None) else None)
    job.save()
    audit_record(actor=actor, action="job.create", obj=job, changes={"kind": [None, kind], "label": [None, job.label]})
    return job


def job_enqueue(job: Job) -> None:
    """Hand the job to the worker once the creating transaction has committed."""
    transaction.on_commit(lambda: run_job_task.enqueue(job.pk))


def job_run(job_id: int, echo: Callable[[int, int, str], None] | None = None) -> Job:
    """Run a job now, in this process (the worker's task, the CLI and tests call this)."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.get(pk=job_id)
    if not claimed:
        return job  # another worker has it, or it already ran
    progress = Progress(job, echo)
    try:
        result = HANDLERS[job.kind](job, progress)
        with transaction.atomic():
            job.refresh_from_db(fields=["done", "total"])
            job.status = JobStatus.SUCCEEDED
            job.result = result or {}
            job.finished_at = timezone.now()
            job.message = "完成"
            job.save(update_fields=["status", "result", "finished_at", "message"])
            audit_record(actor=job.created_by, action="job.succeed", obj=job, changes={"status": ["running", "succeeded"]})
    except Exception as exc:
        if not isinstance(exc, JobFailed):
            logger.exception("job %s failed", job_id)
        with transaction.atomic():
            job.status = JobStatus.FAILED
            job.error = getattr(exc, "user_message", None) or f"{exc.__class__.__name__}: {exc}"
            job.result = getattr(exc, "detail", None) or {"traceback": traceback.format_exc()[-4000:]}
            job.finished_at = timezone.now()
            job.message = "失败"
            job.save(update_fields=["status", "error", "result", "finished_at", "message"])
            audit_record(actor=job.created_by, action="job.fail", obj=job,
                         changes={"status": ["running", "failed"], "error": [None, job.error[:300]]})
    return job


@task()
def run_job_task(job_id: int) -> None:
    job_run(job_id)


class JobFailed(Exception):
    """Raise from a handler with a Chinese message for the user."""

    def __init__(self, message: str, detail: dict | None = None):
        super().__init__(message)
        self.user_message = message
        self.detail = detail or {}


# ------------------------------------------------------------------ handlers


@job_handler("import")
def _import_job(job: Job, progress: Progress) -> dict:
    """Run a registered importer over a stored upload; raises (rolling back) on any bad row."""
    from ducha.core.imports import run_import
    from ducha.core.registry import importer_for

    importer = importer_for(job.params["importer"])()
    path = Path(job.params["path"])
    data = path.read_bytes()
    report = run_import(importer, data, job.params["filename"], actor=job.created_by,
                        dry_run=job.params.get("dry_run", False), progress=progress)
    if not report.ok:
        # Nothing was written (run_import applies only when all rows are good), but a
        # failing import is still a finished check: keep its report for the page.
        raise JobFailed(f"导入未执行:发现 {report.problem_count} 处问题", report.as_dict())
    return report.as_dict()
