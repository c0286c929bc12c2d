"""The deadline scan run by ``ducha tick``: overdue and due-soon warnings, look-backs that
fall due, missing monthly progress reports.

Each warning is claimed first with a compare-and-swap on the problem (the deadline it was
sent for) and sent with a ``dedupe_key``, so running the scan twice sends nothing twice
(STYLE §6, healthchecks ``alert_after``).
"""

import datetime as dt

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from ducha.core.calendar import add_working_days
from ducha.core.choices import Role
from ducha.core.models import User
from ducha.core.services import Conflict, notification_send
from ducha.problems.choices import WORKING_STATES, ProblemStatus
from ducha.problems.models import Problem

S = ProblemStatus
DUE_SOON_WORKING_DAYS = 3
PROGRESS_REPORT_WORKING_DAYS = 5  # last month's report is due by the 5th working day
# A deadline binds while the unit still has to act (not once it has asked for close-out).
WARN_STATES = WORKING_STATES | {S.POSTPONED}


def recipients_for(problem: Problem) -> list[User]:
    """Who answers for a problem: the lead department's liaisons, the enterprise's users,
    and the supervisor who recorded it."""
    q = Q(pk=problem.created_by_id) if problem.created_by_id else Q(pk__in=[])
    if problem.lead_department_id:
        q |= Q(role=Role.LIAISON, department_id=problem.lead_department_id)
    if problem.enterprise_code:
        q |= Q(role=Role.ENTERPRISE, enterprise_code=problem.enterprise_code)
    return list(User.objects.filter(q, is_active=True).order_by("pk"))


def escalation_recipients(problem: Problem) -> list[User]:
    """重大 problems go up to the supervisors of every region above the problem's own
    (the 专题督导组 works from their view)."""
    parts = problem.region.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True, region__path__in=paths).order_by("pk"))


def _link(problem) -> str:
    return reverse("problems:detail", args=[problem.pk])


def _claim(problem: Problem, field: str) -> bool:
    """Mark the warning for this deadline as sent; False when another scan already did."""
    updated = (Problem.objects.filter(pk=problem.pk, deadline=problem.deadline)
               .filter(Q(**{f"{field}__isnull": True}) | ~Q(**{field: F("deadline")}))
               .update(**{field: problem.deadline}))
    return updated == 1


def progress_month_due(today: dt.date) -> tuple[str, dt.date]:
    """(last month as YYYY-MM, the day its progress report is due)."""
    last_day_prev = today.replace(day=1) - dt.timedelta(days=1)
    return last_day_prev.strftime("%Y-%m"), add_working_days(last_day_prev, PROGRESS_REPORT_WORKING_DAYS)


def scan_deadlines(today: dt.date | None = None) -> dict:
    from ducha.problems.services import problem_transition

    today = today or timezone.localdate()
    counts = {"overdue": 0, "due_soon": 0, "lookback": 0, "progress": 0}
    overdue = (Problem.objects.select_related("region").filter(status__in=WARN_STATES, deadline__lt=today)
               .filter(Q(warned_overdue_for__isnull=True) | ~Q(warned_overdue_for=F("deadline"))))
    for problem in overdue.iterator():
        if not _claim(problem, "warned_overdue_for"):
            continue
        counts["overdue"] += 1
        days = (today - problem.deadline).days
        users = recipients_for(problem)
        if problem.is_major:
            users += [u for u in escalation_recipients(problem) if u not in users]
        for user in users:
            notification_send(recipient=user, title=f"问题逾期未整改:{problem.number} {problem.title}"[:200],
                              body=f"完成时限 {problem.deadline:%Y-%m-%d},已逾期 {days} 天。", link=_link(problem),
                              level="danger", dedupe_key=f"problem-overdue:{problem.pk}:{problem.deadline}")
    soon_until = add_working_days(today, DUE_SOON_WORKING_DAYS)
    soon = (Problem.objects.filter(status__in=WARN_STATES, deadline__gte=today, deadline__lte=soon_until)
            .filter(Q(warned_due_soon_for__isnull=True) | ~Q(warned_due_soon_for=F("deadline"))))
    for problem in soon.iterator():
        if not _claim(problem, "warned_due_soon_for"):
            continue
        counts["due_soon"] += 1
        for user in recipients_for(problem):
            notification_send(recipient=user, title=f"问题即将到期:{problem.number} {problem.title}"[:200],
                              body=f"完成时限 {problem.deadline:%Y-%m-%d},请按期完成整改并申请销号。",
                              link=_link(problem), level="warning",
                              dedupe_key=f"problem-soon:{problem.pk}:{problem.deadline}")
    # Look-backs due: the transition's compare-and-swap is the claim.
    for problem in Problem.objects.filter(status__in=[S.CLOSED, S.CONSOLIDATED], due_at__lte=today).iterator():
        try:
            problem_transition(actor=None, problem=problem, action="lookback_start", today=today)
        except Conflict:
            continue
        counts["lookback"] += 1
    month, due = progress_month_due(today)
    if today > due:
        missing = (Problem.objects.filter(status__in=WORKING_STATES, raised_on__lt=today.replace(day=1))
                   .exclude(progress_reports__month=month))
        for problem in missing.iterator():
            for user in recipients_for(problem):
                if notification_send(recipient=user, title=f"整改进展月报逾期:{problem.number}"[:200],
                                     body=f"{month} 的整改进展应于 {due:%Y-%m-%d} 前报送。", link=_link(problem),
                                     level="warning", dedupe_key=f"problem-progress:{problem.pk}:{month}"):
                    counts["progress"] += 1
    return counts
