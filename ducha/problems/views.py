"""Pages of the problem ledger: list, board, detail with the loop's steps, numbers, ranking,
weekly dispatch, monthly supervision, the special supervision group, import and export.
Views parse, fetch in scope, call one service, render or redirect."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ducha.core.audit import history_for
from ducha.core.listing import export_response, paginate, querystring_without, sort_queryset
from ducha.core.models import Department, Region
from ducha.core.scope import CHANGE, VIEW, access, in_scope
from ducha.core.services import Conflict
from ducha.core.views import apply_form_errors, handle_import
from ducha.problems import selectors, services
from ducha.problems.choices import (
    OPEN_STATES,
    SUPERVISE,
    TRANSITIONS,
    Category,
    ProblemStatus,
    Severity,
    SourceKind,
)
from ducha.problems.duplicates import duplicate_candidates
from ducha.problems.forms import (
    AssignForm,
    BulkAssignForm,
    ExtendForm,
    ProblemForm,
    ProgressForm,
    TransitionForm,
)
from ducha.problems.models import Evidence, Problem, ProblemEvent, SavedView

SORTS = {"number": "number", "raised": "raised_on", "deadline": "deadline", "due": "due_at", "status": "status",
         "severity": "severity", "department": "lead_department__name"}
EXPORT_HEADERS = ["编号", "问题标题", "问题描述", "来源", "来源名称", "问题对象", "所属区划", "问题类别", "共性/个性", "严重程度",
                  "责任部门", "责任人", "整改措施", "完成时限", "验收标准", "状态", "发现日期", "销号日期", "是否逾期"]


def _is_supervisor(user) -> bool:
    return user.role in SUPERVISE


def _require_supervisor(user) -> None:
    if not _is_supervisor(user):
        raise PermissionDenied("只有督查人员可以进行此操作")


def _require_staff(user) -> None:
    if not user.is_staff_role:
        raise PermissionDenied("当前角色无权查看此页面")


def filter_problems(request, qs, today):
    """The ledger's filters, shared by the list, the board and the export."""
    g = request.GET
    if q := g.get("q", "").strip():
        qs = qs.filter(Q(number__icontains=q) | Q(title__contains=q) | Q(description__contains=q)
                       | Q(subject_label__contains=q) | Q(source_title__contains=q))
    if (status := g.get("status", "")) in ProblemStatus.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.filter(status__in=OPEN_STATES)
    if (severity := g.get("severity", "")) in Severity.values:
        qs = qs.filter(severity=severity)
    if (category := g.get("category", "")) in Category.values:
        qs = qs.filter(category=category)
    if (source := g.get("source", "")) in SourceKind.values:
        qs = qs.filter(source_kind=source)
    if region_code := g.get("region", "").strip():
        region = Region.objects.restrict(request.user, VIEW).filter(code=region_code).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if source_title := g.get("source_title", "").strip():
        qs = qs.filter(source_title=source_title)
    if g.get("gap") == "task":
        qs = qs.filter(Q(measures="") | Q(acceptance_criterion=""))
    elif g.get("gap") == "owner":
        qs = qs.filter(Q(lead_department__isnull=True) | Q(nature="individual", responsible_person=""))
    if region_path := g.get("region_path", "").strip():
        qs = qs.filter(region__path__startswith=region_path)
    if (department := g.get("department", "")).isdigit():
        qs = qs.filter(lead_department_id=int(department))
    elif department == "none":  # the 未交办 row of the numbers
        qs = qs.filter(lead_department__isnull=True)
    if g.get("overdue") == "1":
        qs = qs.filter(status__in=OPEN_STATES, deadline__lt=today)
    if (closed := selectors.parse_period(g.get("closed"))).start:
        qs = selectors.closed_in(qs, closed)
    if metric := g.get("metric"):
        period = selectors.parse_period(g.get("period"))
        qs = selectors.metric_filter(period.filter(qs), metric, g.get("part", "den"), as_of=period.as_of(today))
    elif g.get("period"):
        qs = selectors.parse_period(g.get("period")).filter(qs)
    return qs


def _filter_context(request, user):
    staff = user.is_staff_role
    return {
        "statuses": ProblemStatus.choices, "severities": Severity.choices, "categories": Category.choices,
        "sources": SourceKind.choices,
        "regions": Region.objects.restrict(user, VIEW).filter(level__lte=3).order_by("path") if staff else [],
        "departments": Department.objects.restrict(user, VIEW).order_by("region__code", "name") if staff else [],
        "f": request.GET,
        # What a drill-down link filters by, in words (the query string holds codes).
        "metric_label": selectors.METRIC_DEFS.get(request.GET.get("metric", ""), {}).get("label", ""),
        "period_label": selectors.parse_period(request.GET.get("period")).label,
        "closed_label": (closed := selectors.parse_period(request.GET.get("closed"))).start and closed.label,
        "saved_views": SavedView.objects.restrict(user, VIEW),
        "current_query": querystring_without(request, "page", "sort", "export"),
    }


@login_required
def problem_list(request):
    user = request.user
    today = selectors.today()
    qs = filter_problems(request, selectors.problems_for(user), today)
    qs, sort = sort_queryset(request, qs, SORTS, "-raised")
    exported = export_response(request, filename="问题台账", sheet="问题台账", headers=EXPORT_HEADERS, rows=(
        (p.number, p.title, p.description, p.get_source_kind_display(), p.source_title, p.subject_label,
         p.region.name, p.get_category_display(), p.get_nature_display(), p.get_severity_display(),
         p.lead_department.name if p.lead_department else "", p.responsible_person, p.measures, p.deadline,
         p.acceptance_criterion, p.get_status_display(), p.raised_on, p.closed_on,
         "是" if p.is_overdue(today) else "否") for p in qs.iterator()))
    if exported:
        return exported
    page = paginate(request, qs)
    return render(request, "problems/list.html", {
        "page": page, "sort": sort, "today": today, "qs_nosort": querystring_without(request, "sort", "page"),
        "qs_nopage": querystring_without(request, "page"), "can_supervise": _is_supervisor(user),
        "can_raise": user.role in services.RAISE_ROLES,
        "bulk_form": BulkAssignForm(user=user) if _is_supervisor(user) else None,
        **_filter_context(request, user),
    })


@login_required
@require_POST
def saved_view_save(request):
    try:
        view = services.saved_view_create(actor=request.user, name=request.POST.get("name", ""),
                                          query=request.POST.get("query", ""))
    except ValidationError as exc:
        _fail(request, exc)
        return redirect(reverse("problems:list") + "?" + request.POST.get("query", ""))
    messages.success(request, f"已保存视图:{view.name}")
    return redirect(reverse("problems:list") + "?" + view.query)


@login_required
@require_POST
def saved_view_delete(request, pk):
    view = access(SavedView, request.user, pk)
    services.saved_view_delete(actor=request.user, view=view)
    messages.success(request, f"已删除视图:{view.name}")
    return redirect("problems:list")


@login_required
def problem_board(request):
    user = request.user
    today = selectors.today()
    qs = filter_problems(request, selectors.problems_for(user), today)
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).order_by())
    columns = []
    for value, label in ProblemStatus.choices:
        if value in (ProblemStatus.WITHDRAWN, ProblemStatus.MERGED):
            continue
        items = list(qs.filter(status=value).order_by("due_at", "pk")[:30])
        columns.append({"status": value, "label": label, "count": counts.get(value, 0), "items": items})
    return render(request, "problems/board.html", {"columns": columns, "today": today,
                                                   "qs": request.GET.urlencode(), **_filter_context(request, user)})


@login_required
def problem_create(request):
    user = request.user
    if user.role not in services.RAISE_ROLES:
        raise PermissionDenied("当前角色无权录入问题")
    form = ProblemForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            problem = services.problem_raise(
                actor=user, evidence=data.pop("evidence"),
                cooperating_departments=list(data.pop("cooperating_departments")), **data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, f"已录入问题 {problem.number}")
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/form.html", {"form": form, "title": "录入问题", "multipart": True,
                                                  "back_url": reverse("problems:list")})


def _timeline(problem):
    ids = [problem.pk, *problem.merged_problems.values_list("pk", flat=True)]
    return (ProblemEvent.objects.filter(problem_id__in=ids).select_related("problem")
            .prefetch_related("evidence").order_by("on", "at", "pk"))


@login_required
def problem_detail(request, pk):
    user = request.user
    problem = access(Problem.objects.select_related("region", "lead_department", "merged_into", "created_by"),
                     user, pk)
    today = selectors.today()
    actions = []
    if in_scope(problem, user, CHANGE):
        actions = [(t, TransitionForm(action=t.action, initial={"version": problem.version}))
                   for t in services.allowed_actions(problem, user, today=today)]
    appeal_until = None
    if problem.status in TRANSITIONS["appeal"].sources:
        appeal_until = services.appeal_last_day(problem)
    can_supervise = _is_supervisor(user) and in_scope(problem, user, CHANGE)
    duplicates = []
    if can_supervise and problem.status not in (ProblemStatus.MERGED, ProblemStatus.WITHDRAWN):
        duplicates = duplicate_candidates(selectors.problems_for(user), problem)
    return render(request, "problems/detail.html", {
        "problem": problem, "today": today, "actions": actions, "timeline": _timeline(problem),
        "sources": problem.sources.all(), "evidence": problem.evidence.all(), "rechecks": problem.rechecks.all(),
        "progress_reports": problem.progress_reports.all(),
        "cooperating": problem.cooperating_departments.all(), "duplicates": duplicates,
        "can_supervise": can_supervise, "appeal_until": appeal_until, "appeal_days": services.appeal_working_days(),
        "can_report": user.role in TRANSITIONS["start"].roles and in_scope(problem, user, CHANGE)
        and problem.status in {ProblemStatus.PENDING, ProblemStatus.RECTIFYING, ProblemStatus.REBOUND,
                               ProblemStatus.POSTPONED},
        "extend_form": ExtendForm(initial={"version": problem.version}) if can_supervise else None,
        "progress_form": ProgressForm(initial={"month": today.strftime("%Y-%m")}),
        "history": history_for(problem)[:50],
    })


def _fail(request, exc) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, ";".join(exc.messages))
    else:
        messages.error(request, str(exc))


@login_required
@require_POST
def problem_action(request, pk, action):
    problem = access(Problem, request.user, pk, CHANGE)
    if action not in TRANSITIONS:
        raise PermissionDenied("未知的操作")
    form = TransitionForm(request.POST, request.FILES, action=action)
    if not form.is_valid():
        messages.error(request, ";".join(f"{form.fields[k].label if k in form.fields else ''}{' '.join(v)}"
                                         for k, v in form.errors.items()))
        return redirect("problems:detail", pk=problem.pk)
    data = form.cleaned_data
    try:
        services.problem_transition(
            actor=request.user, problem=problem, action=action, version=data["version"],
            note=data.get("note", ""), statement=data.get("statement", ""), evidence=data.get("evidence", []),
            method=data.get("method", ""), report=data.get("report", ""), new_deadline=data.get("new_deadline"))
    except (ValidationError, Conflict) as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已{TRANSITIONS[action].label}")
    return redirect("problems:detail", pk=problem.pk)


@login_required
def problem_assign(request, pk):
    user = request.user
    _require_supervisor(user)
    problem = access(Problem, user, pk, CHANGE)
    initial = {"lead_department": problem.lead_department, "responsible_person": problem.responsible_person,
               "measures": problem.measures, "acceptance_criterion": problem.acceptance_criterion,
               "target": problem.target, "deadline": problem.deadline, "version": problem.version,
               "cooperating_departments": list(problem.cooperating_departments.all())}
    form = AssignForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.problem_assign(actor=user, problem=problem, lead_department=data["lead_department"],
                                    cooperating_departments=list(data["cooperating_departments"]),
                                    responsible_person=data["responsible_person"], measures=data["measures"],
                                    acceptance_criterion=data["acceptance_criterion"], target=data["target"],
                                    deadline=data["deadline"], version=data["version"])
        except ValidationError as exc:
            apply_form_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "已交办")
            return redirect("problems:detail", pk=problem.pk)
    return render(request, "problems/form.html", {"form": form, "title": f"交办:{problem.number} {problem.title}",
                                                  "back_url": reverse("problems:detail", args=[problem.pk])})


@login_required
@require_POST
def problem_bulk_assign(request):
    user = request.user
    _require_supervisor(user)
    form = BulkAssignForm(request.POST, user=user)
    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    if not ids:
        messages.error(request, "请先勾选要交办的问题")
    elif not form.is_valid():
        messages.error(request, ";".join(" ".join(v) for v in form.errors.values()))
    else:
        problems = list(Problem.objects.restrict(user, CHANGE).filter(pk__in=ids))
        if len(problems) != len(set(ids)):
            messages.error(request, "部分问题不存在或不在您的职责范围内,未做任何修改")
        else:
            try:
                n = services.problems_bulk_assign(actor=user, problems=problems,
                                                  lead_department=form.cleaned_data["lead_department"],
                                                  responsible_person=form.cleaned_data["responsible_person"])
            except (ValidationError, Conflict) as exc:
                _fail(request, exc)
            else:
                messages.success(request, f"已批量交办 {n} 个问题")
    return redirect(request.POST.get("next") or reverse("problems:list"))


@login_required
@require_POST
def problem_extend(request, pk):
    _require_supervisor(request.user)
    problem = access(Problem, request.user, pk, CHANGE)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.problem_extend(actor=request.user, problem=problem, new_deadline=form.cleaned_data["new_deadline"],
                                    reason=form.cleaned_data["reason"], version=form.cleaned_data["version"])
        except (ValidationError, Conflict) as exc:
            _fail(request, exc)
        else:
            messages.success(request, "已延期")
    else:
        messages.error(request, ";".join(" ".join(v) for v in form.errors.values()))
    return redirect("problems:detail", pk=problem.pk)


@login_required
@require_POST
def problem_progress(request, pk):
    problem = access(Problem, request.user, pk, CHANGE)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.problem_report_progress(actor=request.user, problem=problem, **form.cleaned_data)
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "已报送整改进展")
    else:
        messages.error(request, ";".join(" ".join(v) for v in form.errors.values()))
    return redirect("problems:detail", pk=problem.pk)


@login_required
@require_POST
def problem_merge(request, pk):
    _require_supervisor(request.user)
    primary = access(Problem, request.user, pk, CHANGE)
    duplicate = access(Problem, request.user, request.POST.get("duplicate"), CHANGE)
    try:
        services.problem_merge(actor=request.user, primary=primary, duplicate=duplicate)
    except (ValidationError, Conflict) as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已将 {duplicate.number} 合并至本问题")
    return redirect("problems:detail", pk=primary.pk)


@login_required
def evidence_download(request, pk):
    evidence = access(Evidence, request.user, pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("文件不存在") from None
    return FileResponse(handle, as_attachment=True, filename=evidence.name)


# ------------------------------------------------------------------ numbers


@login_required
def numbers(request):
    user = request.user
    _require_staff(user)
    today = selectors.today()
    period = selectors.parse_period(request.GET.get("period"))
    group = request.GET.get("group", "department")
    if group not in selectors.GROUPS:
        group = "department"
    qs = period.filter(selectors.problems_for(user))
    as_of = period.as_of(today)
    rows = selectors.metrics_by(qs, group, as_of=as_of, user=user)
    return render(request, "problems/numbers.html", {
        "period": period, "group": group, "group_choices": [(k, v[1]) for k, v in selectors.GROUPS.items()],
        "totals": selectors.totals_of(rows, qs, as_of=as_of), "rows": rows,
        "group_param": {"department": "department", "region": "region_path", "category": "category",
                        "severity": "severity", "source": "source"}[group],
        "periods": _period_options(today), "as_of": as_of,
    })


def _period_options(today):
    out = [("", "全部时间"), (str(today.year), f"{today.year}年")]
    for y in (today.year, today.year - 1):
        for q in (4, 3, 2, 1):
            if dt.date(y, 3 * q - 2, 1) <= today:
                out.append((f"{y}Q{q}", f"{y}年第{q}季度"))
    out += [(f"{today.year}-{m:02d}", f"{today.year}年{m}月") for m in range(today.month, 0, -1)]
    return out


@login_required
def ranking(request):
    user = request.user
    _require_staff(user)
    today = selectors.today()
    quarter = request.GET.get("period") or selectors.quarter_of(today)
    period = selectors.parse_period(quarter)
    group = "region" if request.GET.get("group") == "region" else "department"
    rows = selectors.ranking(selectors.problems_for(user), period=period, today=today, group=group, user=user)
    return render(request, "problems/ranking.html", {"rows": rows, "period": period, "group": group,
                                                     "group_param": "region_path" if group == "region" else "department",
                                                     "periods": [p for p in _period_options(today) if "Q" in p[0]]})


# ------------------------------------------------------------------ follow-up rhythm


@login_required
def weekly(request):
    user = request.user
    _require_staff(user)
    today = selectors.today()
    groups = selectors.weekly_dispatch(user, today=today)
    exported = export_response(request, filename="周调度", sheet="周调度", headers=[
        "责任部门", "类别", "编号", "问题标题", "严重程度", "完成时限", "逾期天数", "状态", "责任人"], rows=(
        (g["department"].name if g["department"] else "未交办", "逾期" if p.deadline < today else "即将到期",
         p.number, p.title, p.get_severity_display(), p.deadline, max(0, (today - p.deadline).days),
         p.get_status_display(), p.responsible_person)
        for g in groups for p in g["overdue"] + g["soon"]))
    if exported:
        return exported
    missing, month = selectors.progress_overdue(user, today=today)
    return render(request, "problems/weekly.html", {"dispatch": groups, "today": today,
                                                    "missing": missing.order_by("lead_department__name")[:200],
                                                    "missing_month": month})


@login_required
def monthly(request):
    user = request.user
    _require_staff(user)
    today = selectors.today()
    month = selectors.parse_period(request.GET.get("month") or today.strftime("%Y-%m"))
    if not month.start or len(month.key) != 7:
        month = selectors.parse_period(today.strftime("%Y-%m"))
    summary = selectors.monthly_summary(user, month=month, today=today)
    exported = export_response(request, filename=f"月督导-{month.key}", sheet="月督导", headers=[
        "责任部门", "整改率", "整改率分子", "整改率分母", "按期整改率", "逾期未整改", "闭环率", "平均整改用时(天)"], rows=(
        (r["label"], r["metrics"]["rectification"].value, r["metrics"]["rectification"].numerator,
         r["metrics"]["rectification"].denominator, r["metrics"]["on_time"].value,
         r["metrics"]["overdue"].numerator, r["metrics"]["closed_loop"].value, r["metrics"]["days_to_close"].value)
        for r in summary["by_department"]))
    if exported:
        return exported
    months = []
    for back in range(12):  # the last twelve months, across the turn of the year
        m0 = today.year * 12 + today.month - 1 - back
        months.append((f"{m0 // 12}-{m0 % 12 + 1:02d}", f"{m0 // 12}年{m0 % 12 + 1}月"))
    as_of = month.as_of(today)
    # Drill-down links count as of today; they match the figures only for the current month.
    return render(request, "problems/monthly.html", {"s": summary, "month": month, "months": months, "as_of": as_of,
                                                     "live": as_of == today})


@login_required
def reconcile(request):
    _require_staff(request.user)
    return render(request, "problems/reconcile.html", {"rows": selectors.reconciliation(request.user)})


@login_required
def special(request):
    user = request.user
    _require_staff(user)
    qs = selectors.special_group(user)
    page = paginate(request, qs)
    return render(request, "problems/special.html", {"page": page, "today": selectors.today(),
                                                     "qs_nopage": querystring_without(request, "page")})


# ------------------------------------------------------------------ import / export


@login_required
def problem_import(request):
    _require_supervisor(request.user)
    return handle_import(request, "problems", title="问题台账(责任清单)", back_url=reverse("problems:list"),
                         template_url=reverse("core:import_template", args=["problems"]))


@login_required
def problem_export_table(request):
    _require_staff(request.user)
    from ducha.problems.importers import export_rows

    request.GET = request.GET.copy()
    request.GET["export"] = "xlsx"
    qs = filter_problems(request, selectors.problems_for(request.user), selectors.today())
    sheet, headers, rows = export_rows(qs)
    return export_response(request, filename="问题整改责任清单", sheet=sheet, headers=headers, rows=rows)
