"""Building problems for tests: through the service, then placed in a state by hand where a
test is about what happens next."""

import datetime as dt

from ducha.problems import services
from ducha.problems.choices import Category, Nature, Severity, SourceKind, SubjectKind
from ducha.problems.models import Problem

EVIDENCE = [("整改照片.jpg", b"\xff\xd8 photo bytes")]


def raise_problem(w, *, actor=None, raised_on=dt.date(2026, 4, 1), deadline=dt.date(2026, 6, 30), **kw):
    data = dict(
        actor=actor if actor is not None else w.sup_a, source_kind=SourceKind.INSPECTION, source_id="X-1",
        source_title="2026年第一轮巡查", title="惠企资金拨付不及时", description="某企业申请的研发补助资金超期3个月未拨付",
        region=w.A1, subject_kind=SubjectKind.ENTERPRISE, subject_id=w.enterprise_code, subject_label="明州测试科技有限公司",
        enterprise_code=w.enterprise_code, lead_department=w.dA, category=Category.EXECUTION, nature=Nature.COMMON,
        severity=Severity.ORDINARY, measures="建立资金拨付台账", acceptance_criterion="补助资金全部拨付到位",
        raised_on=raised_on, deadline=deadline,
    )
    data.update(kw)
    return services.problem_raise(**data)


def put(problem: Problem, **values) -> Problem:
    """Place a problem in a state directly (test set-up only)."""
    Problem.objects.filter(pk=problem.pk).update(**values)
    return Problem.objects.get(pk=problem.pk)
