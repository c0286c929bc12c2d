"""Pages of the platform shell: sign-in, home, regions, departments, users, calendar,
notifications, jobs, audit log, profile. Views parse, fetch in scope, call a service, render."""

import warnings

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ducha.core import calendar, services
from ducha.core.audit import audit_verify, history_for
from ducha.core.choices import JobStatus, RegionLevel, Role
from ducha.core.forms import (
    AuditFilterForm,
    DepartmentForm,
    HolidayForm,
    ImportForm,
    LoginForm,
    PasswordForm,
    RegionForm,
    RegionRenameForm,
    TokenForm,
    UserForm,
    WorkdayForm,
)
from ducha.core.imports import ImportReport, run_import
from ducha.core.jobs import job_create, job_enqueue, job_files_dir
from ducha.core.listing import (
    XLSX,
    export_response,
    file_response,
    paginate,
    querystring_without,
    sort_queryset,
)
from ducha.core.models import ApiToken, AuditEntry, Department, Holiday, Job, Notification, Region, User
from ducha.core.permissions import can, require
from ducha.core.registry import importer_for
from ducha.core.scope import CHANGE, VIEW, access

# ------------------------------------------------------------------ helpers


def apply_form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto the form, field by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def form_page(request, form, *, title: str, back_url: str, save, success, done_url, template="core/form.html",
              extra=None):
    """The create/edit page every module has: on a valid POST call the service ``save(cleaned_data)``;
    its ValidationError shows inline on the form, success redirects to ``done_url(obj)``."""
    if request.method == "POST" and form.is_valid():
        try:
            obj = save(form.cleaned_data)
        except ValidationError as exc:
            apply_form_errors(form, exc)
        else:
            messages.success(request, success(obj))
            return redirect(done_url(obj))
    return render(request, template, {"form": form, "title": title, "back_url": back_url, **(extra or {})})


def handle_import(request, importer_name: str, *, title: str, back_url: str, template_url: str):
    """Upload page for any registered importer: small files are checked and applied at
    once; large ones run as a background job with progress."""
    require(request.user, "imports.run")
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        if upload.size > settings.DUCHA_MAX_UPLOAD_BYTES:
            form.add_error("file", f"文件过大({upload.size / 1048576:.1f} MB),不能超过 "
                                   f"{settings.DUCHA_MAX_UPLOAD_BYTES // 1048576} MB,请拆分后导入")
        elif upload.size > settings.DUCHA_INLINE_IMPORT_BYTES:
            stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
            path = job_files_dir() / f"{stamp}-{request.user.pk}.upload"
            with open(path, "wb") as fh:
                for chunk in upload.chunks():
                    fh.write(chunk)
            job = job_create(actor=request.user, kind="import", label=f"导入{title}:{upload.name}",
                             params={"importer": importer_name, "path": str(path), "filename": upload.name,
                                     "dry_run": dry_run})
            job_enqueue(job)
            return redirect("core:job_detail", pk=job.pk)
        else:
            importer = importer_for(importer_name)()
            try:
                report = run_import(importer, upload.read(), upload.name, actor=request.user, dry_run=dry_run)
            except PermissionDenied:
                raise
            if report.ok and not dry_run:
                messages.success(request, f"导入成功:共 {report.rows_read} 行,{_result_text(report.result)}")
                return redirect(back_url)
            if not report.ok:
                request.session["last_import_report"] = report.as_dict()
    return render(request, "core/import.html", {
        "form": form, "report": report, "title": title, "back_url": back_url, "template_url": template_url,
        "importer": importer_for(importer_name)(), "max_upload_mb": settings.DUCHA_MAX_UPLOAD_BYTES // 1048576,
    })


def _result_text(result: dict) -> str:
    parts = []
    if "created" in result:
        parts.append(f"新增 {result['created']} 条")
    if "updated" in result:
        parts.append(f"更新 {result['updated']} 条")
    if "unchanged" in result:
        parts.append(f"未变 {result['unchanged']} 条")
    return ",".join(parts) or "已完成"


@login_required
def import_report_download(request):
    data = request.session.get("last_import_report")
    if not data:
        raise Http404("没有可下载的错误报告")
    return file_response(ImportReport.from_dict(data).to_xlsx(), "导入错误报告.xlsx", XLSX)


# ------------------------------------------------------------------ errors


def csrf_failure(request, reason=""):
    return render(request, "core/error.html", {
        "title": "页面已过期或请求无效",
        "message": "提交的表单已失效(可能页面打开太久或在其他窗口退出了登录)。请返回刷新页面后重新提交。",
    }, status=403)


def error_404(request, exception=None):
    return render(request, "core/error.html", {"title": "页面不存在", "message": "您访问的页面或对象不存在,或您无权查看。"},
                  status=404)


def error_403(request, exception=None):
    message = str(exception) if exception and str(exception) else "当前账号无权进行此操作。"
    return render(request, "core/error.html", {"title": "无权操作", "message": message}, status=403)


def error_400(request, exception=None):
    return render(request, "core/error.html", {"title": "请求无效", "message": "请求内容不正确,请检查后重试。"}, status=400)


def error_500(request):
    return render(request, "core/error.html", {"title": "系统繁忙", "message": "服务器处理出错,已记录日志,请稍后重试。"},
                  status=500)


# ------------------------------------------------------------------ sign-in


def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip()
        candidate = services.user_lock_state(username)
        now = timezone.now()
        if candidate and candidate.locked_until and candidate.locked_until > now:
            minutes = int((candidate.locked_until - now).total_seconds() // 60) + 1
            form.add_error(None, f"该账号因连续登录失败已被锁定,请 {minutes} 分钟后再试,或联系管理员解锁。")
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if user is None:
                failed = services.user_login_failed(username=username)
                if failed and failed.locked_until and failed.locked_until > now:
                    form.add_error(None, f"连续登录失败次数过多,账号已锁定 {settings.LOGIN_LOCKOUT_MINUTES} 分钟。")
                else:
                    left = settings.LOGIN_MAX_FAILURES - failed.failed_logins if failed else None
                    hint = f"(再失败 {left} 次将锁定账号)" if left is not None and left <= 3 else ""
                    form.add_error(None, f"用户名或密码不正确{hint}。")
            else:
                login(request, user)
                services.user_login_succeeded(user=user)
                if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                    return redirect(next_url)
                return redirect("home")
    return render(request, "registration/login.html", {"form": form, "next": next_url,
                                                       "demo_mode": settings.DEMO_MODE})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出。")
    return redirect("login")


# ------------------------------------------------------------------ home


def _core_cards(user) -> list[dict]:
    """The platform's own home cards for a user's role."""
    cards = []
    if user.role == Role.ENTERPRISE:
        return [{"label": "本企业统一社会信用代码", "value": user.enterprise_code, "url": "", "small": True,
                 "help": "企业账号只能查看本企业的事项"}]
    if user.role == Role.LIAISON and user.department_id:
        cards.append({"label": "所属部门", "value": user.department.name, "small": True,
                      "url": reverse("core:department_detail", args=[user.department_id]),
                      "help": "部门联络员负责本部门的进展填报、整改和自评"})
    if user.is_staff_role and user.role != Role.LIAISON:
        cards.append({"label": "辖区区划", "value": Region.objects.restrict(user, VIEW).count(),
                      "url": reverse("core:regions"), "help": "本级及下级行政区划数量"})
        cards.append({"label": "部门", "value": Department.objects.restrict(user, VIEW).count(),
                      "url": reverse("core:departments"), "help": "辖区内的部门数量"})
    if can(user, "users.manage"):
        now = timezone.now()
        users = User.objects.restrict(user, VIEW)
        cards.append({"label": "用户", "value": users.count(), "url": reverse("core:users"), "help": "可管理的用户数量"})
        locked = users.filter(locked_until__gt=now).count()
        cards.append({"label": "锁定账号", "value": locked, "url": reverse("core:users"),
                      "help": "连续登录失败被锁定的账号", "tone": "danger" if locked else ""})
        cards.append({"label": "今日审计记录", "value": AuditEntry.objects.filter(at__date=timezone.localdate()).count(),
                      "url": reverse("core:audit"), "help": "今天所有写操作的记录条数"})
    if can(user, "imports.run"):
        running = Job.objects.restrict(user, VIEW).filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count()
        if running:
            cards.append({"label": "进行中的后台任务", "value": running, "url": reverse("core:jobs"), "help": "导入、重建索引等"})
    return cards


@login_required
def home(request):
    """A home page per role: the platform's cards, then every module's (registered in HOME_WIDGETS)."""
    from django.utils.module_loading import import_string

    from ducha.core.registry import HOME_WIDGETS

    user = request.user
    cards = _core_cards(user)
    for dotted in HOME_WIDGETS:
        cards.extend(import_string(dotted)(user) or [])
    context = {"notifications": user.notifications.all()[:6], "stats": cards,
               "role_hint": ROLE_HINTS.get(user.role, "")}
    if user.is_staff_role:
        today = timezone.localdate()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal = calendar.WorkCalendar(range(today.year - 1, today.year + 2))
            context["today"] = {"date": today, "working": cal.is_working_day(today),
                                "plus5": cal.add_working_days(today, 5), "plus10": cal.add_working_days(today, 10)}
    return render(request, "core/home.html", context)


ROLE_HINTS = {
    Role.ADMIN: "维护区划、部门、用户和节假日,执行数据导入,校验审计链。",
    Role.SUPERVISOR: "制定督查计划、分派任务、审核进展、复查销号;数据范围为本级及下级区划。",
    Role.LIAISON: "填报本部门的任务进展、整改情况和自评材料。",
    Role.INSPECTOR: "按计划开展巡查,记录检查结果与证据。",
    Role.EVALUATOR: "承担分派的评估与核查工作。",
    Role.LEADER: "查看辖区的督查数据、排名和报告。",
    Role.ENTERPRISE: "查看并答复本企业的问卷、巡查记录和整改事项,可提出申诉。",
}


# ------------------------------------------------------------------ regions & departments


@login_required
def region_tree(request):
    user = request.user
    roots = Region.objects.restrict(user, VIEW)
    if not user.is_staff_role:
        raise PermissionDenied("企业用户无权查看区划")
    q = request.GET.get("q", "").strip()
    if q:
        matches = roots.filter(Q(name__contains=q) | Q(code__startswith=q)).order_by("path")[:100]
        return render(request, "core/region_tree.html", {"matches": matches, "q": q, "can_manage": can(user, "regions.manage")})
    # The top of the user's own subtree; children load on demand.
    top = roots.filter(pk=user.region_id) if user.region_id else roots.filter(level=RegionLevel.PROVINCE)
    nodes = top.annotate(child_count=Count("children")).order_by("code")
    return render(request, "core/region_tree.html", {"nodes": nodes, "q": q, "can_manage": can(user, "regions.manage")})


@login_required
def region_children(request, pk):
    region = access(Region, request.user, pk)
    nodes = (Region.objects.restrict(request.user, VIEW).filter(parent=region)
             .annotate(child_count=Count("children")).order_by("code"))
    return render(request, "core/_region_nodes.html", {"nodes": nodes})


@login_required
def region_detail(request, pk):
    region = access(Region, request.user, pk)
    ancestors = Region.objects.filter(code__in=[c for c in region.path.strip("/").split("/")]).order_by("path")
    children = Region.objects.restrict(request.user, VIEW).filter(parent=region).order_by("code")
    departments = Department.objects.restrict(request.user, VIEW).filter(region=region)
    return render(request, "core/region_detail.html", {
        "region": region, "ancestors": ancestors, "children": children, "departments": departments,
        "history": history_for(region)[:50], "can_manage": can(request.user, "regions.manage"),
        "user_count": User.objects.restrict(request.user, VIEW).filter(region__path__startswith=region.path).count(),
    })


@login_required
def region_create(request):
    require(request.user, "regions.manage")
    return form_page(
        request, RegionForm(request.POST or None), title="新增行政区划", back_url=reverse("core:regions"),
        save=lambda data: services.region_create(actor=request.user, **data),
        success=lambda r: f"已新增区划:{r.name}", done_url=lambda r: reverse("core:region_detail", args=[r.pk]))


@login_required
def region_edit(request, pk):
    region = access(Region, request.user, pk, CHANGE)
    return form_page(
        request, RegionRenameForm(request.POST or None, initial={"name": region.name}),
        title=f"修改区划:{region.name}", back_url=reverse("core:region_detail", args=[region.pk]),
        save=lambda data: services.region_update(actor=request.user, region=region, name=data["name"]),
        success=lambda r: "已保存", done_url=lambda r: reverse("core:region_detail", args=[r.pk]))


@login_required
def region_import(request):
    require(request.user, "regions.manage")
    return handle_import(request, "regions", title="行政区划", back_url=reverse("core:regions"),
                         template_url=reverse("core:import_template", args=["regions"]))


@login_required
def department_import(request):
    require(request.user, "regions.manage")
    return handle_import(request, "departments", title="部门", back_url=reverse("core:departments"),
                         template_url=reverse("core:import_template", args=["departments"]))


@login_required
def user_import(request):
    require(request.user, "users.manage")
    return handle_import(request, "users", title="用户", back_url=reverse("core:users"),
                         template_url=reverse("core:import_template", args=["users"]))


@login_required
def import_template(request, name):
    try:
        importer = importer_for(name)()
    except KeyError:
        raise Http404("没有这个导入模板") from None
    return file_response(importer.template_xlsx(), f"{importer.name}导入模板.xlsx", XLSX)


@login_required
def region_export(request):
    if not request.user.is_staff_role:
        raise PermissionDenied
    qs = Region.objects.restrict(request.user, VIEW).select_related("parent").order_by("path")
    request.GET = request.GET.copy()
    request.GET.setdefault("export", "xlsx")
    return export_response(request, filename="行政区划", sheet="行政区划", headers=["区划代码", "名称", "上级区划代码", "层级"],
                           rows=((r.code, r.name, r.parent.code if r.parent else "", r.get_level_display()) for r in qs.iterator()))


@login_required
def department_list(request):
    user = request.user
    if not user.is_staff_role:
        raise PermissionDenied
    qs = Department.objects.restrict(user, VIEW).select_related("region").annotate(user_count=Count("users"))
    q = request.GET.get("q", "").strip()
    region_code = request.GET.get("region", "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(short_name__contains=q))
    if region_code:
        region = Region.objects.restrict(user, VIEW).filter(code=region_code).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if request.GET.get("active") in ("1", "0"):
        qs = qs.filter(is_active=request.GET["active"] == "1")
    qs, sort = sort_queryset(request, qs, {"name": "name", "region": "region__code", "users": "user_count"}, "region")
    exported = export_response(request, filename="部门", sheet="部门", headers=["部门名称", "简称", "所属区划", "区划代码", "用户数", "状态"],
                               rows=((d.name, d.short_name, d.region.name, d.region.code, d.user_count,
                                      "启用" if d.is_active else "停用") for d in qs))
    if exported:
        return exported
    page = paginate(request, qs)
    return render(request, "core/department_list.html", {
        "page": page, "sort": sort, "q": q, "region_code": region_code, "qs_nosort": querystring_without(request, "sort", "page"),
        "qs_nopage": querystring_without(request, "page"), "can_manage": can(user, "regions.manage"),
        "regions": Region.objects.restrict(user, VIEW).filter(level__lte=RegionLevel.COUNTY).order_by("path"),
    })


@login_required
def department_detail(request, pk):
    department = access(Department.objects.select_related("region"), request.user, pk)
    users = User.objects.restrict(request.user, VIEW).filter(department=department)
    return render(request, "core/department_detail.html", {
        "department": department, "users": users, "history": history_for(department)[:50],
        "can_manage": can(request.user, "regions.manage"),
    })


@login_required
def department_form(request, pk=None):
    require(request.user, "regions.manage")
    department = access(Department, request.user, pk, CHANGE) if pk else None
    initial = ({"name": department.name, "short_name": department.short_name, "region": department.region,
                "is_active": department.is_active} if department else {"region": request.GET.get("region") or None})

    def save(data):
        if department:
            return services.department_update(actor=request.user, department=department, **data)
        return services.department_create(actor=request.user, **{k: v for k, v in data.items() if k != "is_active"})

    return form_page(
        request, DepartmentForm(request.POST or None, initial=initial, user=request.user),
        title=f"修改部门:{department.name}" if department else "新增部门",
        back_url=reverse("core:department_detail", args=[department.pk]) if department else reverse("core:departments"),
        save=save, success=lambda d: f"已保存部门:{d.name}", done_url=lambda d: reverse("core:department_detail", args=[d.pk]))


# ------------------------------------------------------------------ users


@login_required
def user_list(request):
    require(request.user, "users.manage")
    qs = User.objects.restrict(request.user, VIEW).select_related("region", "department")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    region_code = request.GET.get("region", "").strip()
    if q:
        qs = qs.filter(Q(username__contains=q) | Q(full_name__contains=q) | Q(phone__contains=q))
    if role in Role.values:
        qs = qs.filter(role=role)
    if region_code:
        region = Region.objects.restrict(request.user, VIEW).filter(code=region_code).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if request.GET.get("active") in ("1", "0"):
        qs = qs.filter(is_active=request.GET["active"] == "1")
    qs, sort = sort_queryset(request, qs, {"username": "username", "name": "full_name", "role": "role",
                                           "region": "region__code", "last_login": "last_login"}, "username")
    exported = export_response(
        request, filename="用户", sheet="用户",
        headers=["用户名", "姓名", "角色", "所属区划", "所属部门", "企业信用代码", "手机号", "状态", "最近登录"],
        rows=((u.username, u.full_name, u.get_role_display(), u.region.name if u.region else "",
               u.department.name if u.department else "", u.enterprise_code, u.phone, "启用" if u.is_active else "停用",
               u.last_login) for u in qs))
    if exported:
        return exported
    page = paginate(request, qs)
    return render(request, "core/user_list.html", {
        "page": page, "sort": sort, "q": q, "role": role, "region_code": region_code, "roles": Role.choices,
        "qs_nosort": querystring_without(request, "sort", "page"), "qs_nopage": querystring_without(request, "page"),
        "regions": Region.objects.restrict(request.user, VIEW).filter(level__lte=RegionLevel.COUNTY).order_by("path"),
    })


@login_required
def user_detail(request, pk):
    target = access(User.objects.select_related("region", "department"), request.user, pk)
    return render(request, "core/user_detail.html", {
        "target": target, "history": history_for(target)[:50], "can_manage": can(request.user, "users.manage"),
        "locked": bool(target.locked_until and target.locked_until > timezone.now()),
    })


@login_required
def user_form(request, pk=None):
    require(request.user, "users.manage")
    target = access(User, request.user, pk, CHANGE) if pk else None
    initial = {}
    if target:
        initial = {f: getattr(target, f) for f in ("username", "full_name", "role", "region", "department",
                                                   "enterprise_code", "phone", "is_active")}

    def save(data):
        if target:
            return services.user_update(actor=request.user, user=target,
                                        **{k: v for k, v in data.items() if k != "username"})
        return services.user_create(actor=request.user, **{k: v for k, v in data.items() if k != "is_active"})

    return form_page(
        request, UserForm(request.POST or None, initial=initial, user=request.user, editing=bool(target)),
        title=f"修改用户:{target}" if target else "新增用户",
        back_url=reverse("core:user_detail", args=[target.pk]) if target else reverse("core:users"),
        save=save, success=lambda u: f"已保存用户:{u}", done_url=lambda u: reverse("core:user_detail", args=[u.pk]))


@login_required
def user_password(request, pk):
    target = access(User, request.user, pk, CHANGE)
    return form_page(
        request, PasswordForm(request.POST or None), title=f"重置密码:{target}",
        back_url=reverse("core:user_detail", args=[target.pk]),
        save=lambda data: services.user_set_password(actor=request.user, user=target, password=data["password"]),
        success=lambda u: "密码已重置", done_url=lambda u: reverse("core:user_detail", args=[u.pk]))


@login_required
@require_POST
def user_unlock(request, pk):
    target = access(User, request.user, pk, CHANGE)
    services.user_unlock(actor=request.user, user=target)
    messages.success(request, "已解除锁定")
    return redirect("core:user_detail", pk=target.pk)


# ------------------------------------------------------------------ profile & tokens


@login_required
def profile(request):
    form = PasswordForm(request.POST or None) if request.POST.get("form") == "password" else PasswordForm()
    token_form = TokenForm(request.POST or None) if request.POST.get("form") == "token" else TokenForm()
    new_key = None
    if request.method == "POST":
        if request.POST.get("form") == "password" and form.is_valid():
            try:
                services.user_set_password(actor=request.user, user=request.user, password=form.cleaned_data["password"])
            except ValidationError as exc:
                apply_form_errors(form, exc)
            else:
                from django.contrib.auth import update_session_auth_hash

                update_session_auth_hash(request, request.user)
                messages.success(request, "密码已修改")
                return redirect("core:profile")
        elif request.POST.get("form") == "token" and token_form.is_valid():
            _, new_key = services.api_token_create(actor=request.user, name=token_form.cleaned_data["name"])
            token_form = TokenForm()
        elif request.POST.get("form") == "revoke":
            token = access(ApiToken, request.user, request.POST.get("token"), VIEW)
            services.api_token_revoke(actor=request.user, token=token)
            messages.success(request, "令牌已吊销")
            return redirect("core:profile")
    return render(request, "core/profile.html", {
        "form": form, "token_form": token_form, "new_key": new_key,
        "tokens": ApiToken.objects.restrict(request.user, VIEW), "history": history_for(request.user)[:20],
    })


# ------------------------------------------------------------------ calendar


@login_required
def holiday_list(request):
    if not request.user.is_staff_role:
        raise PermissionDenied
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    year = max(1990, min(2100, year))
    holidays = Holiday.objects.filter(date__year=year)
    exported = export_response(request, filename=f"节假日{year}", sheet="节假日", headers=["日期", "类型", "名称"],
                               rows=((h.date, h.get_kind_display(), h.name) for h in holidays))
    if exported:
        return exported
    from ducha.core.calendar import package_years

    calc_form = WorkdayForm(request.GET if "start" in request.GET else None)
    calc = None
    if calc_form.is_bound and calc_form.is_valid():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            start = calc_form.cleaned_data["start"]
            calc = {"start": start, "days": calc_form.cleaned_data["days"],
                    "result": calendar.add_working_days(start, calc_form.cleaned_data["days"])}
            if calc_form.cleaned_data.get("end"):
                calc["end"] = calc_form.cleaned_data["end"]
                calc["between"] = calendar.working_days_between(start, calc_form.cleaned_data["end"])
            calc["warnings"] = sorted({str(w.message) for w in caught})
    return render(request, "core/holiday_list.html", {
        "holidays": holidays, "year": year, "covered_by_package": year in package_years(),
        "package_years": sorted(package_years()), "can_manage": can(request.user, "holidays.manage"),
        "form": HolidayForm(), "calc_form": calc_form if calc_form.is_bound else WorkdayForm(initial={"start": today}),
        "calc": calc, "years": range(year - 2, year + 3),
    })


@login_required
def holiday_form(request, pk=None):
    require(request.user, "holidays.manage")
    holiday = Holiday.objects.filter(pk=pk).first() if pk else None
    if pk and holiday is None:
        raise Http404
    initial = {"date": holiday.date, "kind": holiday.kind, "name": holiday.name} if holiday else {}
    form = HolidayForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete") and holiday:
            services.holiday_delete(actor=request.user, holiday=holiday)
            messages.success(request, "已删除")
            return redirect(f"{reverse('core:holidays')}?year={holiday.date.year}")
        if form.is_valid():
            try:
                holiday = services.holiday_set(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_form_errors(form, exc)
            else:
                messages.success(request, f"已保存 {holiday}")
                return redirect(f"{reverse('core:holidays')}?year={holiday.date.year}")
    return render(request, "core/form.html", {"form": form, "title": "维护节假日", "back_url": reverse("core:holidays"),
                                              "delete": bool(holiday)})


@login_required
def holiday_import(request):
    require(request.user, "holidays.manage")
    return handle_import(request, "holidays", title="节假日", back_url=reverse("core:holidays"),
                         template_url=reverse("core:import_template", args=["holidays"]))


# ------------------------------------------------------------------ notifications


@login_required
def notification_list(request):
    qs = Notification.objects.restrict(request.user, VIEW)
    if request.method == "POST":
        ids = request.POST.getlist("ids")
        target = qs.filter(pk__in=[i for i in ids if i.isdigit()]) if ids else qs
        count = services.notification_mark_read(actor=request.user, notifications=target)
        messages.success(request, f"{count} 条通知已标为已读")
        return redirect("core:notifications")
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs)
    return render(request, "core/notification_list.html", {"page": page, "qs_nopage": querystring_without(request, "page")})


@login_required
def notification_badge(request):
    count = request.user.notifications.filter(read_at__isnull=True).count()
    return render(request, "core/_badge.html", {"unread_count": count})


# ------------------------------------------------------------------ jobs


@login_required
def job_list(request):
    if not can(request.user, "imports.run"):
        raise PermissionDenied
    qs = Job.objects.restrict(request.user, VIEW).select_related("created_by")
    if request.GET.get("status") in JobStatus.values:
        qs = qs.filter(status=request.GET["status"])
    page = paginate(request, qs)
    return render(request, "core/job_list.html", {"page": page, "statuses": JobStatus.choices,
                                                  "qs_nopage": querystring_without(request, "page")})


@login_required
def job_detail(request, pk):
    job = access(Job, request.user, pk)
    report = None
    if job.kind == "import" and job.result and "row_errors" in job.result:
        report = ImportReport.from_dict(job.result)
        if not report.ok:
            request.session["last_import_report"] = job.result
    context = {"job": job, "report": report, "history": history_for(job)}
    if request.htmx:
        return render(request, "core/_job_progress.html", context)
    if request.GET.get("format") == "json":
        return JsonResponse({"status": job.status, "done": job.done, "total": job.total, "percent": job.percent,
                             "message": job.message, "error": job.error})
    return render(request, "core/job_detail.html", context)


# ------------------------------------------------------------------ audit


@login_required
def audit_log(request):
    require(request.user, "audit.view_all")
    form = AuditFilterForm(request.GET or None)
    qs = AuditEntry.objects.select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = qs.filter(Q(object_repr__contains=data["q"]) | Q(actor_name__contains=data["q"]))
        if data["action"]:
            qs = qs.filter(action__startswith=data["action"])
        if data["object_type"]:
            qs = qs.filter(object_type=data["object_type"])
        if data["start"]:
            qs = qs.filter(at__date__gte=data["start"])
        if data["end"]:
            qs = qs.filter(at__date__lte=data["end"])
    exported = export_response(request, filename="审计日志", sheet="审计日志",
                               headers=["序号", "时间", "操作人", "操作", "对象类型", "对象编号", "对象", "变更", "来源", "来源详情", "哈希"],
                               rows=((e.seq, e.at, e.actor_name, e.action, e.object_type, e.object_id, e.object_repr,
                                      e.changes_json, e.get_source_display(), e.source_detail, e.hash) for e in qs[:100000]))
    if exported:
        return exported
    verify = None
    if request.GET.get("verify") == "1":
        verify = audit_verify()
    page = paginate(request, qs, per_page=50)
    return render(request, "core/audit_log.html", {"page": page, "form": form, "verify": verify,
                                                   "qs_nopage": querystring_without(request, "page", "verify")})


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
