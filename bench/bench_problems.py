"""Problem ledger at scale (issue 4): with BENCH_PROBLEMS problems (default 1,000,000) the
ledger list with three filters should answer p95 < 200 ms and the numbers page < 1 s.

Rows are written with bulk_create (the service path is measured by the tests, not here);
pages are fetched through the test client as a province and a county supervisor.
"""

import datetime as dt
import os
import random
import statistics
import time

from django.test import Client, override_settings


def _p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 1)


def _fill(n: int, rng: random.Random) -> None:
    from ducha.core.models import Department
    from ducha.problems.choices import Category, Nature, ProblemStatus, Severity, SourceKind, SubjectKind
    from ducha.problems.models import Problem

    departments = list(Department.objects.select_related("region"))
    statuses = [ProblemStatus.PENDING] * 10 + [ProblemStatus.RECTIFYING] * 30 + [ProblemStatus.CLOSED] * 35 + [
        ProblemStatus.CONSOLIDATED] * 10 + [ProblemStatus.RECHECKING] * 5 + [ProblemStatus.REBOUND] * 3 + [
        ProblemStatus.CLOSE_REQUESTED] * 5 + [ProblemStatus.POSTPONED] * 2
    today = dt.date(2026, 11, 1)
    batch = []
    for i in range(n):
        d = departments[i % len(departments)]
        raised = today - dt.timedelta(days=rng.randint(0, 720))
        deadline = raised + dt.timedelta(days=rng.randint(15, 120))
        status = rng.choice(statuses)
        closed = status in (ProblemStatus.CLOSED, ProblemStatus.CONSOLIDATED)
        closed_on = raised + dt.timedelta(days=rng.randint(5, 150)) if closed else None
        batch.append(Problem(
            number=f"BM{i:09d}", title="惠企资金拨付不及时", description="企业申请的补助资金超期未拨付",
            source_kind=SourceKind.INSPECTION, source_title="巡查", subject_kind=SubjectKind.DEPARTMENT,
            subject_id=str(d.pk), subject_label=d.name, region_id=d.region_id, lead_department_id=d.pk,
            category=rng.choice(list(Category)), nature=Nature.COMMON, severity=rng.choice(list(Severity)),
            raised_on=raised, deadline=deadline, original_deadline=deadline, status=status, due_at=deadline,
            recheck_passed=closed, closed_on=closed_on, close_days=(closed_on - raised).days if closed else None,
            lookbacks_done=1 if status == ProblemStatus.CONSOLIDATED else 0))
        if len(batch) == 10000:
            Problem.objects.bulk_create(batch)
            batch = []
    if batch:
        Problem.objects.bulk_create(batch)


def _time(client: Client, url: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def run(results: dict) -> None:
    from django.db import connection

    from ducha.core.demo import build_core
    from ducha.core.models import Department, Region, User
    from ducha.problems.models import Problem

    n = int(os.environ.get("BENCH_PROBLEMS", "1000000"))
    rng = random.Random(2026)
    if not Region.objects.exists():
        build_core(rng, echo=lambda *_: None)
    if Problem.objects.count() < n:
        started = time.perf_counter()
        _fill(n - Problem.objects.count(), rng)
        results["fill_seconds"] = round(time.perf_counter() - started, 1)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    results["problems"] = Problem.objects.count()
    dept = Department.objects.filter(region__code="990100").order_by("pk").first()
    filters = "?status=rectifying&severity=serious&category=design"
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        for username in ("sheng_ducha", "xian_ducha"):
            client = Client()
            client.force_login(User.objects.get(username=username))
            _time(client, "/problems/" + filters, 3)  # warm up
            results[f"list_3_filters_p95_ms_{username}"] = _p95(_time(client, "/problems/" + filters, 40))
            results[f"list_dept_overdue_p95_ms_{username}"] = _p95(
                _time(client, f"/problems/?department={dept.pk}&overdue=1&severity=major", 40))
            samples = _time(client, "/problems/numbers/", 5)
            results[f"numbers_page_max_ms_{username}"] = round(max(samples) * 1000, 1)
            samples = _time(client, "/problems/numbers/?group=region&period=2026", 5)
            results[f"numbers_by_region_max_ms_{username}"] = round(max(samples) * 1000, 1)
    results["targets"] = "list p95 < 200 ms, numbers page < 1000 ms"
