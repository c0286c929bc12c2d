"""Platform foundation: audit append rate, chain verification speed, scoped query latency."""

import random
import statistics
import time

from django.db import transaction


def _p95(samples: list[float]) -> float:
    return round(statistics.quantiles(samples, n=20)[18] * 1000, 2)


def run(results: dict) -> None:
    from ducha.core import services
    from ducha.core.audit import audit_record, audit_verify
    from ducha.core.demo import build_core
    from ducha.core.models import Department, Region, User

    if not Region.objects.exists():
        build_core(random.Random(2026), echo=lambda *_: None)
    admin = User.objects.get(username="admin")
    county_sup = User.objects.get(username="xian_ducha")

    n = 5000
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(n):
            audit_record(actor=admin, action="bench.append", object_type="bench", object_id=i, changes={"i": [None, i]})
    results["audit_append_per_second"] = round(n / (time.perf_counter() - started))

    started = time.perf_counter()
    verdict = audit_verify()
    results["audit_verify_entries"] = verdict.count
    results["audit_verify_seconds"] = round(time.perf_counter() - started, 3)
    results["audit_verify_entries_per_second"] = round(verdict.count / max(time.perf_counter() - started, 1e-9))

    samples = []
    for _ in range(200):
        t = time.perf_counter()
        list(Department.objects.restrict(county_sup, "view").select_related("region")[:50])
        list(Region.objects.restrict(county_sup, "view").order_by("path")[:50])
        samples.append(time.perf_counter() - t)
    results["scoped_list_queries_p95_ms"] = _p95(samples)

    samples = []
    region = Region.objects.get(code="990102")
    for i in range(200):
        t = time.perf_counter()
        services.region_update(actor=admin, region=region, name=f"东城区{i % 2}")
        samples.append(time.perf_counter() - t)
    results["audited_write_p95_ms"] = _p95(samples)
