"""Every write to the problem ledger. Each is one transaction that records a timeline
event and an audit entry; state changes go through ``problem_transition``, which checks
the table in ``choices.TRANSITIONS`` and updates with a compare-and-swap.

Other modules raise problems only through ``problem_raise``.
"""

import calendar as pycalendar
import datetime as dt
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ducha.core.audit import audit_record, diff, snapshot
from ducha.core.calendar import add_working_days
from ducha.core.choices import Role
from ducha.core.models import Department, Region
from ducha.core.scope import CHANGE, VIEW, in_scope
from ducha.core.services import Conflict
from ducha.core.text import clean_code, clean_text
from ducha.core.validators import credit_code_problem
from ducha.problems.choices import (
    CHECK,
    SUPERVISE,
    TRANSITIONS,
    VOID_STATES,
    WORKING_STATES,
    Category,
    Nature,
    ProblemStatus,
    RecheckMethod,
    RecheckResult,
    Severity,
    SourceKind,
    SubjectKind,
)
from ducha.problems.models import (
    Evidence,
    Problem,
    ProblemEvent,
    ProblemSource,
    ProgressReport,
    Recheck,
    SavedView,
)

S = ProblemStatus
CONFLICT_MESSAGE = "该问题已被他人修改,请刷新后重试"
PROBLEM_FIELDS = ["title", "description", "source_kind", "source_id", "source_title", "subject_kind", "subject_id",
                  "subject_label", "enterprise_code", "region", "domain", "category", "nature", "severity",
                  "lead_department", "responsible_person", "measures", "acceptance_criterion", "target",
                  "raised_on", "deadline", "status", "due_at", "closed_on"]
RAISE_ROLES = CHECK  # supervisors, inspectors and evaluators record findings
# Working days allowed for each supervision step (stored as ``due_at`` while the problem is in
# it). The 5-day figures follow reference/002 §4.3 (反馈意见书 within 5 working days).
RECHECK_START_DAYS = 5
RECHECK_DAYS = 10
LOOKBACK_DAYS = 10
APPEAL_DAYS = 10  # for the review of an appeal (第三方复核); the window to lodge one is below
REOPEN_DAYS = 5
APPEAL_WINDOW_DEFAULT = 5


def appeal_working_days() -> int:
    """Working days after a problem is raised (fed back) within which it may be appealed.

    5 by default: 企业可在5个工作日内提出申诉 (reference/002 §2.3.3); setting
    ``DUCHA_APPEAL_WORKING_DAYS``.
    """
    days = getattr(settings, "DUCHA_APPEAL_WORKING_DAYS", APPEAL_WINDOW_DEFAULT)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ImproperlyConfigured(f"DUCHA_APPEAL_WORKING_DAYS 应为正整数(工作日),当前为 {days!r}")
    return days


def appeal_last_day(problem: Problem) -> dt.date:
    """The last day an appeal may be lodged: N working days after the raise date (statutory
    calendar, so a Spring Festival in between does not eat the window)."""
    return add_working_days(problem.raised_on, appeal_working_days())


def lookback_months() -> tuple[int, ...]:
    """Months after 销号 when a look-back (回头看) is due; default 3 and 6 (issue 4)."""
    return tuple(getattr(settings, "DUCHA_LOOKBACK_MONTHS", (3, 6)))


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


def _today() -> dt.date:
    return timezone.localdate()


def _actor_name(actor) -> str:
    return (actor.full_name or actor.username) if actor is not None else "系统"


def _check_role(actor, roles, what: str) -> None:
    if actor is not None and actor.role not in roles:
        raise PermissionDenied(f"当前角色无权{what}")


def _check_scope(problem: Problem, actor) -> None:
    if not in_scope(problem, actor, CHANGE):
        raise PermissionDenied("该问题不在您的职责范围内")


def due_for(*, status: str, deadline: dt.date, today: dt.date, closed_on: dt.date | None,
            lookback_round: int) -> dt.date | None:
    """When the step a problem is in falls due; stored as ``due_at`` and scanned by tick."""
    if status in (S.PENDING, S.RECTIFYING, S.POSTPONED):
        return deadline
    if status == S.CLOSE_REQUESTED:
        return add_working_days(today, RECHECK_START_DAYS)
    if status == S.RECHECKING:
        return add_working_days(today, RECHECK_DAYS)
    if status == S.LOOKBACK:
        return add_working_days(today, LOOKBACK_DAYS)
    if status == S.APPEALING:
        return add_working_days(today, APPEAL_DAYS)
    if status == S.REBOUND:
        return add_working_days(today, REOPEN_DAYS)
    if status in (S.CLOSED, S.CONSOLIDATED):
        months = lookback_months()
        if closed_on and lookback_round < len(months):
            return add_months(closed_on, months[lookback_round])
        return None
    return None


def _event(problem, *, actor, action, label, from_status="", to_status="", note="", data=None,
           on: dt.date | None = None) -> ProblemEvent:
    event = ProblemEvent(problem=problem, action=action, label=label, from_status=from_status, to_status=to_status,
                         note=note, data=data or {}, on=on or _today(),
                         actor=actor if getattr(actor, "pk", None) else None,
                         actor_name=_actor_name(actor))
    event.save()
    return event


def _store_evidence(problem, files, *, actor, event=None) -> list[Evidence]:
    """Save uploaded files (Django UploadedFile or (name, bytes)) with their SHA-256."""
    loaded = []
    for item in files or ():
        if isinstance(item, tuple):
            name, data = item
        else:
            name, data = item.name, item.read()
        if not data:
            raise ValidationError({"evidence": f"文件“{name}”为空"})
        if len(data) > settings.DUCHA_MAX_UPLOAD_BYTES:
            raise ValidationError({"evidence": f"文件“{name}”过大"})
        loaded.append((name, data))
    # Every file is checked before the first is written, so a bad one leaves no stray file behind.
    stored = []
    for name, data in loaded:
        digest = hashlib.sha256(data).hexdigest()
        evidence = Evidence(problem=problem, event=event, name=clean_text(name)[:200] or "附件", size=len(data),
                            sha256=digest, uploaded_by=actor if getattr(actor, "pk", None) else None)
        evidence.file.save(f"{digest[:16]}-{uuid.uuid4().hex[:8]}", ContentFile(data), save=False)
        evidence.save()
        stored.append(evidence)
    return stored


# ---------------------------------------------------------------- raise


def _clean_responsibility(*, nature, responsible_person, lead_department, errors):
    if nature not in Nature.values:
        errors["nature"] = "请选择共性或个性"
    responsible_person = clean_text(responsible_person)[:50]
    # 个性问题须明确到具体责任人 (reference/000 §3.1 责任清单)
    if nature == Nature.INDIVIDUAL and not responsible_person:
        errors["responsible_person"] = "个性问题须填写具体责任人"
    return responsible_person


@transaction.atomic
def problem_raise(*, actor, source_kind: str, source_id: str = "", source_title: str = "", title: str = "",
                  description: str, region: Region, subject_kind: str = SubjectKind.OTHER, subject_id: str = "",
                  subject_label: str = "", enterprise_code: str = "", lead_department: Department | None = None,
                  cooperating_departments=(), responsible_person: str = "", category: str = Category.EXECUTION,
                  nature: str = Nature.COMMON, severity: str = Severity.ORDINARY, domain: str = "",
                  measures: str = "", acceptance_criterion: str = "", target: str = "",
                  raised_on: dt.date | None = None, deadline: dt.date | None = None,
                  deadline_working_days: int | None = None, evidence=()) -> Problem:
    """Record a finding as a problem in the ledger: the one entry point for every producer.

    The deadline is either a date or a number of working days after ``raised_on``
    (statutory calendar, core.calendar).
    """
    _check_role(actor, RAISE_ROLES, "录入问题")
    errors = {}
    description = clean_text(description, keep_newlines=True)
    title = clean_text(title)[:200] or description[:40]
    if not description:
        errors["description"] = "问题描述不能为空"
    if source_kind not in SourceKind.values:
        errors["source_kind"] = "来源类型不正确"
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = "对象类型不正确"
    if category not in Category.values:
        errors["category"] = "问题类别应为执行偏差、设计缺陷或外部变化"
    if severity not in Severity.values:
        errors["severity"] = "严重程度应为一般、较大或重大"
    if region is None:
        errors["region"] = "请选择所属区划"
    enterprise_code = clean_code(enterprise_code)
    if enterprise_code and credit_code_problem(enterprise_code):
        errors["enterprise_code"] = credit_code_problem(enterprise_code)
    responsible_person = _clean_responsibility(nature=nature, responsible_person=responsible_person,
                                               lead_department=lead_department, errors=errors)
    if subject_kind == SubjectKind.ENTERPRISE and not subject_id and enterprise_code:
        subject_id = enterprise_code  # the credit code identifies an enterprise (duplicate detection)
    raised_on = raised_on or _today()
    if deadline is None and deadline_working_days is not None:
        if deadline_working_days < 1:
            errors["deadline"] = "整改期限应至少为1个工作日"
        else:
            deadline = add_working_days(raised_on, deadline_working_days)
    if deadline is None:
        errors.setdefault("deadline", "请填写完成时限")
    elif deadline < raised_on:
        errors["deadline"] = f"完成时限({deadline:%Y-%m-%d})不能早于发现日期({raised_on:%Y-%m-%d})"
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        if not Region.objects.restrict(actor, VIEW).filter(pk=region.pk).exists():
            raise PermissionDenied("只能在本级及下级区划录入问题")
        visible = Department.objects.restrict(actor, VIEW)
        for dept in [lead_department, *cooperating_departments]:
            if dept is not None and not visible.filter(pk=dept.pk).exists():
                raise PermissionDenied(f"无权指定部门:{dept.name}")
    problem = Problem(
        number=f"TMP{uuid.uuid4().hex[:16]}", title=title, description=description, source_kind=source_kind,
        source_id=clean_text(source_id)[:64], source_title=clean_text(source_title)[:200], subject_kind=subject_kind,
        subject_id=clean_text(subject_id)[:64], subject_label=clean_text(subject_label)[:200],
        enterprise_code=enterprise_code, region=region, domain=clean_text(domain)[:50], category=category,
        nature=nature, severity=severity, lead_department=lead_department, responsible_person=responsible_person,
        measures=clean_text(measures, keep_newlines=True), target=clean_text(target)[:200],
        acceptance_criterion=clean_text(acceptance_criterion, keep_newlines=True), raised_on=raised_on,
        deadline=deadline, original_deadline=deadline, status=S.PENDING, due_at=deadline,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    problem.save()
    problem.number = f"WT{raised_on.year}{problem.pk:06d}"
    problem.save(update_fields=["number"])
    if cooperating_departments:
        problem.cooperating_departments.set(cooperating_departments)
    ProblemSource(problem=problem, source_kind=source_kind, source_id=problem.source_id,
                  source_title=problem.source_title, description=description, raised_on=raised_on).save()
    event = _event(problem, actor=actor, action="raise", label="发现问题", to_status=S.PENDING, on=raised_on,
                   data={"source": f"{problem.get_source_kind_display()} {problem.source_title}".strip()})
    _store_evidence(problem, evidence, actor=actor, event=event)
    audit_record(actor=actor, action="problem.raise", obj=problem,
                 changes=diff(None, snapshot(problem, PROBLEM_FIELDS)))
    if lead_department is not None:
        _notify_assigned(problem, actor=actor)
    return problem


# ---------------------------------------------------------------- writes that keep the state


def _cas_update(problem: Problem, *, version: int | None, **values) -> None:
    """Write ``values`` only if nobody changed the problem since it was loaded."""
    expected = problem.version if version is None else version
    changed = Problem.objects.filter(pk=problem.pk, status=problem.status, version=expected).update(
        version=F("version") + 1, updated_at=timezone.now(), **values)
    if changed != 1:
        raise Conflict(CONFLICT_MESSAGE)
    for name, value in values.items():
        setattr(problem, name, value)
    problem.version = expected + 1


@transaction.atomic
def problem_assign(*, actor, problem: Problem, lead_department: Department | None, responsible_person: str = "",
                   cooperating_departments=None, measures: str | None = None,
                   acceptance_criterion: str | None = None, target: str | None = None,
                   deadline: dt.date | None = None, version: int | None = None) -> Problem:
    """Fill in or change the responsibility table (交办). The deadline may be set here
    only while the problem waits for rectification; later it moves only by extension."""
    _check_role(actor, SUPERVISE, "交办问题")
    _check_scope(problem, actor)
    if problem.status in VOID_STATES or problem.is_closed:
        raise ValidationError(f"问题已{problem.get_status_display()},不能再交办")
    errors = {}
    responsible_person = _clean_responsibility(nature=problem.nature, responsible_person=responsible_person,
                                               lead_department=lead_department, errors=errors)
    if lead_department is None:
        errors["lead_department"] = "请选择责任部门"
    if deadline is not None and deadline != problem.deadline:
        if problem.status != S.PENDING:
            errors["deadline"] = "整改开始后只能通过“延期”调整时限"
        elif deadline < problem.raised_on:
            errors["deadline"] = "完成时限不能早于发现日期"
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        visible = Department.objects.restrict(actor, VIEW)
        for dept in [lead_department, *(cooperating_departments or [])]:
            if not visible.filter(pk=dept.pk).exists():
                raise PermissionDenied(f"无权指定部门:{dept.name}")
    before = snapshot(problem, PROBLEM_FIELDS)
    values = {"lead_department": lead_department, "responsible_person": responsible_person}
    if measures is not None:
        values["measures"] = clean_text(measures, keep_newlines=True)
    if acceptance_criterion is not None:
        values["acceptance_criterion"] = clean_text(acceptance_criterion, keep_newlines=True)
    if target is not None:
        values["target"] = clean_text(target)[:200]
    if deadline is not None and deadline != problem.deadline:
        values.update(deadline=deadline, original_deadline=deadline, due_at=deadline)
    _cas_update(problem, version=version, **values)
    if cooperating_departments is not None:
        problem.cooperating_departments.set(cooperating_departments)
    changes = diff(before, snapshot(problem, PROBLEM_FIELDS))
    _event(problem, actor=actor, action="assign", label="交办", note=f"责任部门:{lead_department.name}"
           + (f";责任人:{responsible_person}" if responsible_person else ""), data={"changes": changes})
    audit_record(actor=actor, action="problem.assign", obj=problem, changes=changes)
    _notify_assigned(problem, actor=actor)
    return problem


def _notify_assigned(problem: Problem, *, actor) -> None:
    """Tell the lead department's liaisons (once per department) that a problem is theirs."""
    from django.urls import reverse

    from ducha.core.services import notification_send

    for user in problem.lead_department.users.filter(role=Role.LIAISON, is_active=True):
        notification_send(recipient=user, title=f"新交办问题:{problem.number} {problem.title}"[:200],
                          body=f"完成时限 {problem.deadline:%Y-%m-%d}。请制定整改方案并按月报送进展。",
                          link=reverse("problems:detail", args=[problem.pk]), actor=actor,
                          dedupe_key=f"problem-assign:{problem.pk}:{problem.lead_department_id}")


def problems_bulk_assign(*, actor, problems, lead_department: Department, responsible_person: str = "") -> int:
    """Assign many problems at once; all or none (one transaction)."""
    with transaction.atomic():
        count = 0
        for problem in problems:
            problem_assign(actor=actor, problem=problem, lead_department=lead_department,
                           responsible_person=responsible_person or problem.responsible_person)
            count += 1
    return count


@transaction.atomic
def problem_extend(*, actor, problem: Problem, new_deadline: dt.date, reason: str, today: dt.date | None = None,
                   version: int | None = None) -> Problem:
    """Approve an extension (延期). Allowed only before the deadline has passed."""
    _check_role(actor, SUPERVISE, "批准延期")
    _check_scope(problem, actor)
    today = today or _today()
    reason = clean_text(reason, keep_newlines=True)
    if problem.status not in (S.PENDING, S.RECTIFYING):
        raise ValidationError(f"问题{problem.get_status_display()},不能延期")
    if today > problem.deadline:
        raise ValidationError(f"完成时限({problem.deadline:%Y-%m-%d})已过,不能再申请延期")
    if new_deadline is None or new_deadline <= problem.deadline:
        raise ValidationError({"new_deadline": "新的完成时限应晚于原时限"})
    if not reason:
        raise ValidationError({"reason": "请填写延期理由"})
    before = snapshot(problem, PROBLEM_FIELDS)
    _cas_update(problem, version=version, deadline=new_deadline, due_at=new_deadline)
    _event(problem, actor=actor, action="extend", label="延期", note=reason, on=today,
           data={"from": before["deadline"], "to": new_deadline.isoformat()})
    audit_record(actor=actor, action="problem.extend", obj=problem,
                 changes=diff(before, snapshot(problem, PROBLEM_FIELDS)))
    return problem


@transaction.atomic
def problem_report_progress(*, actor, problem: Problem, content: str, percent: int = 0, month: str = "",
                            evidence=()) -> ProgressReport:
    """The responsible unit's monthly progress report (整改进展月报)."""
    _check_role(actor, TRANSITIONS["start"].roles, "报送整改进展")
    _check_scope(problem, actor)
    if problem.status not in WORKING_STATES | {S.POSTPONED}:
        raise ValidationError(f"问题{problem.get_status_display()},无需报送进展")
    content = clean_text(content, keep_newlines=True)
    if not content:
        raise ValidationError({"content": "请填写整改进展"})
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": "完成进度应在0到100之间"})
    month = month or _today().strftime("%Y-%m")
    report = ProgressReport(problem=problem, month=month, content=content, percent=int(percent),
                            reported_by=actor if getattr(actor, "pk", None) else None)
    report.save()
    event = _event(problem, actor=actor, action="progress", label="报送进展", note=content,
                   data={"month": month, "percent": int(percent)})
    _store_evidence(problem, evidence, actor=actor, event=event)
    audit_record(actor=actor, action="problem.progress", obj=problem,
                 changes={"progress": [None, f"{month} {int(percent)}%"]})
    return report


# ---------------------------------------------------------------- transitions


def allowed_actions(problem: Problem, user, *, today: dt.date | None = None) -> list:
    """Transitions the user may take on the problem now (for buttons and forms)."""
    if user is None:
        return []
    actions = [t for t in TRANSITIONS.values() if problem.status in t.sources and user.role in t.roles
               and not (t.action == "close" and not problem.recheck_passed)
               and not (t.action == "recheck_pass" and problem.recheck_passed)]
    if any(t.action == "appeal" for t in actions) and (today or _today()) > appeal_last_day(problem):
        actions = [t for t in actions if t.action != "appeal"]
    return actions


def _required(value, field: str, message: str):
    value = clean_text(value, keep_newlines=True) if isinstance(value, str | type(None)) else value
    if not value:
        raise ValidationError({field: message})
    return value


@transaction.atomic
def problem_transition(*, actor, problem: Problem, action: str, note: str = "", version: int | None = None,
                       today: dt.date | None = None, statement: str = "", evidence=(), method: str = "",
                       report: str = "", new_deadline: dt.date | None = None) -> Problem:
    """Move a problem one step along the loop, as ``choices.TRANSITIONS`` allows.

    Each step checks its own inputs (close-out needs an effectiveness statement and
    evidence; a re-check needs method and acceptance report; a failed one, reasons…),
    updates with a compare-and-swap, records the timeline event and the audit entry
    and recomputes ``due_at``.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise ValidationError(f"未知的操作:{action}")
    if actor is not None and actor.role not in transition.roles:
        raise PermissionDenied(f"当前角色无权执行“{transition.label}”")
    _check_scope(problem, actor)
    if version is not None and version != problem.version:
        raise Conflict(CONFLICT_MESSAGE)  # the form was filled in on an older state
    if problem.status == transition.target and problem.status not in transition.sources:
        return problem  # already there: nothing to do (STYLE §5)
    if problem.status not in transition.sources:
        raise ValidationError(f"问题当前为“{problem.get_status_display()}”,不能执行“{transition.label}”")
    today = today or _today()
    note = clean_text(note, keep_newlines=True)
    old = problem.status
    values: dict = {"status": transition.target}
    data: dict = {}
    recheck = None
    if action == "request_close":
        # 文字整改、数字整改 must not pass: a close-out request states what changed and proves it.
        statement = _required(statement, "statement", "申请销号须填写整改成效说明")
        if not evidence:
            raise ValidationError({"evidence": "申请销号须上传整改佐证材料"})
        data["statement"] = statement
    elif action in ("recheck_pass", "recheck_fail"):
        if method not in RecheckMethod.values:
            raise ValidationError({"method": "请选择复查方式(现场、资料或第三方)"})
        report = _required(report, "report", "请填写复查验收报告")
        if action == "recheck_fail":
            note = _required(note, "note", "复查不通过须写明原因")
        passed = action == "recheck_pass"
        values["recheck_passed"] = passed
        recheck = Recheck(problem=problem, method=method, report=report, reasons=note if not passed else "",
                          result=RecheckResult.PASSED if passed else RecheckResult.FAILED,
                          checker=actor if getattr(actor, "pk", None) else None, checked_on=today)
        data.update(method=RecheckMethod(method).label, report=report)
    elif action == "close":
        if not problem.recheck_passed:
            raise ValidationError("复查通过后才能销号")
        values.update(closed_on=today, lookback_round=0, close_days=max(0, (today - problem.raised_on).days))
    elif action in ("postpone", "reopen"):
        if new_deadline is None:
            raise ValidationError({"new_deadline": "请填写新的完成时限"})
        if action == "postpone":
            if today > problem.deadline:
                raise ValidationError(f"完成时限({problem.deadline:%Y-%m-%d})已过,不能再批准暂缓")
            if new_deadline <= problem.deadline:
                raise ValidationError({"new_deadline": "暂缓后的完成时限应晚于原时限"})
            note = _required(note, "note", "请填写暂缓理由")
        elif new_deadline < today:
            raise ValidationError({"new_deadline": "新的完成时限不能早于今天"})
        values["deadline"] = new_deadline
        data.update(deadline_from=problem.deadline.isoformat(), deadline_to=new_deadline.isoformat())
    elif action in ("appeal", "appeal_reject", "appeal_uphold", "rebound"):
        if action == "appeal" and today > (last := appeal_last_day(problem)):
            raise ValidationError(f"申诉期限已过:应在发现问题后{appeal_working_days()}个工作日内(至 {last:%Y-%m-%d})"
                                  "提出申诉")
        note = _required(note, "note", "请填写理由" if action != "rebound" else "请写明回头看发现的反弹情况")
    elif action == "lookback_start":
        values["lookback_round"] = problem.lookback_round + 1
    elif action == "consolidate":
        values["lookbacks_done"] = problem.lookbacks_done + 1
    if action == "rebound":
        values.update(lookbacks_done=problem.lookbacks_done + 1, rebounds=problem.rebounds + 1, closed_on=None,
                      close_days=None, recheck_passed=False)
    if action in ("start_recheck", "reopen", "appeal_reject", "resume"):
        values["recheck_passed"] = False
    before = snapshot(problem, PROBLEM_FIELDS)
    values["due_at"] = due_for(
        status=transition.target, deadline=values.get("deadline", problem.deadline), today=today,
        closed_on=values.get("closed_on", problem.closed_on),
        lookback_round=values.get("lookback_round", problem.lookback_round))
    _cas_update(problem, version=version, **values)
    event = _event(problem, actor=actor, action=action, label=transition.label, from_status=old,
                   to_status=transition.target, note=note, data=data, on=today)
    _store_evidence(problem, evidence, actor=actor, event=event)
    if recheck is not None:
        recheck.save()
    changes = diff(before, snapshot(problem, PROBLEM_FIELDS))
    if note:
        changes["note"] = [None, note]
    audit_record(actor=actor, action=f"problem.{action}", obj=problem, changes=changes)
    return problem


# ---------------------------------------------------------------- duplicates


@transaction.atomic
def problem_merge(*, actor, primary: Problem, duplicate: Problem) -> Problem:
    """Merge a duplicate report into ``primary``: every source, every evidence file and
    the duplicate's timeline stay reachable from the primary; the duplicate becomes 已合并."""
    _check_role(actor, SUPERVISE, "合并问题")
    _check_scope(primary, actor)
    _check_scope(duplicate, actor)
    if primary.pk == duplicate.pk:
        raise ValidationError("不能与自身合并")
    if primary.status in VOID_STATES or duplicate.status in VOID_STATES:
        raise ValidationError("已撤销或已合并的问题不能再合并")
    old = duplicate.status
    for source in duplicate.sources.all():
        ProblemSource(problem=primary, source_kind=source.source_kind, source_id=source.source_id,
                      source_title=source.source_title, description=source.description, raised_on=source.raised_on,
                      merged_from=duplicate).save()
    moved = Evidence.objects.filter(problem=duplicate).update(problem=primary)
    _cas_update(duplicate, version=None, status=S.MERGED, merged_into=primary, due_at=None)
    Problem.objects.filter(pk=primary.pk).update(version=F("version") + 1)
    primary.version += 1
    _event(duplicate, actor=actor, action="merged", label="合并至其他问题", from_status=old, to_status=S.MERGED,
           note=f"已合并至 {primary.number}", data={"into": primary.pk})
    _event(primary, actor=actor, action="merge", label="合并重复问题", note=f"合并 {duplicate.number}:{duplicate.title}",
           data={"from": duplicate.pk, "evidence_moved": moved})
    audit_record(actor=actor, action="problem.merge", obj=primary,
                 changes={"merged": [None, duplicate.number], "evidence_moved": [None, moved]})
    audit_record(actor=actor, action="problem.merged", obj=duplicate,
                 changes={"status": [old, S.MERGED], "merged_into": [None, primary.pk]})
    return primary


# ---------------------------------------------------------------- import


@transaction.atomic
def problems_import(*, actor, rows: list[dict]) -> dict:
    """Create problems from the standard responsibility table; all rows or none."""
    _check_role(actor, SUPERVISE, "导入问题")
    created = unchanged = 0
    for row in rows:
        data = {k: v for k, v in row.items() if not k.startswith("_")}
        # Re-importing a table (e.g. one exported earlier) must not duplicate its problems.
        if Problem.objects.filter(description=clean_text(data["description"], keep_newlines=True),
                                  lead_department=data["lead_department"], deadline=data["deadline"]).exclude(
                status__in=VOID_STATES).exists():
            unchanged += 1
            continue
        problem_raise(actor=actor, **data)
        created += 1
    return {"created": created, "unchanged": unchanged, "rows": len(rows)}


# ---------------------------------------------------------------- saved views

SAVED_VIEW_DROP = {"page", "export", "csrfmiddlewaretoken", "name"}


@transaction.atomic
def saved_view_create(*, actor, name: str, query: str) -> SavedView:
    """Save the ledger's current filters under a name (replacing a view of the same name)."""
    from urllib.parse import parse_qsl, urlencode

    name = clean_text(name)[:50]
    if not name:
        raise ValidationError({"name": "请填写视图名称"})
    pairs = [(k, v) for k, v in parse_qsl(query or "", keep_blank_values=False) if k not in SAVED_VIEW_DROP]
    query = urlencode(pairs)[:500]
    if not query:
        raise ValidationError({"name": "当前没有筛选条件,无需保存"})
    view = SavedView.objects.filter(owner=actor, name=name).first()
    before = snapshot(view, ["name", "query"]) if view else None
    if view is None:
        view = SavedView(owner=actor, name=name, query=query)
        view.save()
    else:
        view.query = query
        view.save(update_fields=["query"])
    audit_record(actor=actor, action="problem_view.save", obj=view, changes=diff(before, snapshot(view, ["name", "query"])))
    return view


@transaction.atomic
def saved_view_delete(*, actor, view: SavedView) -> None:
    if view.owner_id != actor.pk:
        raise PermissionDenied("只能删除自己的视图")
    audit_record(actor=actor, action="problem_view.delete", obj=view, changes=diff(snapshot(view, ["name", "query"]), None))
    view.delete()


# Roles that answer for a problem (notified of deadlines, may report progress).
RESPONDER_ROLES = frozenset({Role.LIAISON, Role.ENTERPRISE})
