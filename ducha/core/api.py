"""Platform endpoints: current user, regions, departments, users, calendar, audit, jobs."""

import datetime as dt
import warnings

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ducha.core import calendar, services
from ducha.core.audit import audit_verify
from ducha.core.models import AuditEntry, Department, Holiday, Job, Notification, Region, User
from ducha.core.permissions import require
from ducha.core.scope import CHANGE, VIEW, access

router = Router(tags=["平台基础"])


class ErrorOut(Schema):
    message: str
    detail: object | None = None


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: int
    level_label: str = Field(..., alias="get_level_display")
    parent_id: int | None
    path: str


class RegionIn(Schema):
    code: str = Field(..., description="统计用区划代码,6/9/12位")
    name: str
    parent_code: str = ""


class RegionPatch(Schema):
    name: str


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    region_id: int
    region_name: str = Field(..., alias="region.name")
    is_active: bool


class DepartmentIn(Schema):
    name: str
    short_name: str = ""
    region_code: str


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str = Field(..., alias="get_role_display")
    region_id: int | None
    department_id: int | None
    enterprise_code: str
    is_active: bool


class UserIn(Schema):
    username: str
    full_name: str
    role: str
    region_code: str = ""
    department_id: int | None = None
    enterprise_code: str = ""
    phone: str = ""
    password: str


class UserPatch(Schema):
    full_name: str | None = None
    role: str | None = None
    region_code: str | None = None
    department_id: int | None = None
    enterprise_code: str | None = None
    phone: str | None = None
    is_active: bool | None = None


class HolidayOut(Schema):
    date: dt.date
    kind: str
    name: str


class HolidayIn(Schema):
    date: dt.date
    kind: str = Field(..., description="holiday(法定节假日)或 workday(调休上班日)")
    name: str = ""


class WorkdayOut(Schema):
    result: dt.date | int
    warnings: list[str]


class AuditOut(Schema):
    seq: int
    at: dt.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict
    source: str
    source_detail: str
    hash: str


class VerifyOut(Schema):
    ok: bool
    count: int
    broken_seq: int | None
    reason: str


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    error: str
    result: dict


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


def _page(qs, params: PageParams):
    return list(qs[params.offset: params.offset + params.limit])


def _region_by_code(user, code: str, action=VIEW) -> Region:
    region = Region.objects.restrict(user, action).filter(code=code.strip()).first()
    if region is None:
        from django.core.exceptions import ValidationError

        raise ValidationError({"region_code": f"区划代码“{code}”不存在或不在您的管辖范围内"})
    return region


@router.get("/me", response=UserOut, summary="当前用户")
def me(request):
    return request.user


@router.get("/regions", response=list[RegionOut], summary="行政区划列表")
def region_list(request, parent_code: str = "", q: str = "", page: Query[PageParams] = None):
    qs = Region.objects.restrict(request.user, VIEW).order_by("path")
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return _page(qs, page or PageParams())


@router.get("/regions/{int:region_id}", response=RegionOut, summary="行政区划详情")
def region_get(request, region_id: int):
    return access(Region, request.user, region_id)


@router.post("/regions", response={201: RegionOut, 400: ErrorOut, 403: ErrorOut}, summary="新增行政区划")
def region_post(request, payload: RegionIn):
    return Status(201, services.region_create(actor=request.user, code=payload.code, name=payload.name,
                                       parent_code=payload.parent_code))


@router.patch("/regions/{int:region_id}", response={200: RegionOut, 400: ErrorOut, 404: ErrorOut}, summary="修改区划名称")
def region_patch(request, region_id: int, payload: RegionPatch):
    region = access(Region, request.user, region_id, CHANGE)
    return services.region_update(actor=request.user, region=region, name=payload.name)


@router.get("/departments", response=list[DepartmentOut], summary="部门列表")
def department_list(request, region_code: str = "", q: str = "", page: Query[PageParams] = None):
    qs = Department.objects.restrict(request.user, VIEW).select_related("region")
    if region_code:
        qs = qs.filter(region__path__startswith=_region_by_code(request.user, region_code).path)
    if q:
        qs = qs.filter(name__contains=q)
    return _page(qs, page or PageParams())


@router.get("/departments/{int:department_id}", response=DepartmentOut, summary="部门详情")
def department_get(request, department_id: int):
    return access(Department.objects.select_related("region"), request.user, department_id)


@router.post("/departments", response={201: DepartmentOut, 400: ErrorOut, 403: ErrorOut}, summary="新增部门")
def department_post(request, payload: DepartmentIn):
    region = _region_by_code(request.user, payload.region_code, CHANGE)
    return Status(201, services.department_create(actor=request.user, name=payload.name, short_name=payload.short_name,
                                           region=region))


@router.get("/users", response=list[UserOut], summary="用户列表")
def user_list(request, role: str = "", q: str = "", page: Query[PageParams] = None):
    qs = User.objects.restrict(request.user, VIEW)
    if role:
        qs = qs.filter(role=role)
    if q:
        qs = qs.filter(Q(username__contains=q) | Q(full_name__contains=q))
    return _page(qs, page or PageParams())


@router.get("/users/{int:user_id}", response=UserOut, summary="用户详情")
def user_get(request, user_id: int):
    return access(User, request.user, user_id)


@router.post("/users", response={201: UserOut, 400: ErrorOut, 403: ErrorOut}, summary="新增用户")
def user_post(request, payload: UserIn):
    require(request.user, "users.manage")
    region = _region_by_code(request.user, payload.region_code) if payload.region_code else None
    department = access(Department, request.user, payload.department_id) if payload.department_id else None
    return Status(201, services.user_create(actor=request.user, username=payload.username, full_name=payload.full_name,
                                     role=payload.role, region=region, department=department,
                                     enterprise_code=payload.enterprise_code, phone=payload.phone,
                                     password=payload.password))


@router.patch("/users/{int:user_id}", response={200: UserOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
              summary="修改用户")
def user_patch(request, user_id: int, payload: UserPatch):
    require(request.user, "users.manage")
    target = access(User, request.user, user_id, CHANGE)
    data = payload.dict(exclude_unset=True)
    region = target.region
    if "region_code" in data:
        region = _region_by_code(request.user, data["region_code"]) if data["region_code"] else None
    department = target.department
    if "department_id" in data:
        department = access(Department, request.user, data["department_id"]) if data["department_id"] else None
    return services.user_update(
        actor=request.user, user=target, full_name=data.get("full_name", target.full_name),
        role=data.get("role", target.role), region=region, department=department,
        enterprise_code=data.get("enterprise_code", target.enterprise_code), phone=data.get("phone", target.phone),
        is_active=data.get("is_active", target.is_active),
    )


@router.get("/holidays", response=list[HolidayOut], summary="节假日表(管理员维护部分)")
def holiday_list(request, year: int | None = Query(None, ge=1900, le=2100)):
    if not request.user.is_staff_role:
        raise PermissionDenied("无权查看")
    qs = Holiday.objects.all()
    if year:
        qs = qs.filter(date__year=year)
    return list(qs)


@router.put("/holidays", response={200: HolidayOut, 400: ErrorOut, 403: ErrorOut}, summary="设置某日为节假日或调休上班日")
def holiday_put(request, payload: HolidayIn):
    return services.holiday_set(actor=request.user, date=payload.date, kind=payload.kind, name=payload.name)


def _with_warnings(fn, *args):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = fn(*args)
    return {"result": value, "warnings": sorted({str(w.message) for w in caught})}


@router.get("/workdays/add", response=WorkdayOut, summary="某日之后第 N 个工作日")
def workdays_add(request, date: dt.date, n: int = Query(..., ge=-3650, le=3650)):
    return _with_warnings(calendar.add_working_days, date, n)


@router.get("/workdays/between", response=WorkdayOut, summary="A 之后至 B(含)的工作日数")
def workdays_between(request, a: dt.date, b: dt.date):
    return _with_warnings(calendar.working_days_between, a, b)


HISTORY_MODELS = {"core.region": Region, "core.department": Department, "core.user": User}


def register_history_model(label: str, model) -> None:
    """Modules add their models so /audit/history can check the caller's access."""
    HISTORY_MODELS[label] = model


@router.get("/audit/history/{object_type}/{object_id}", response=list[AuditOut], summary="对象的变更历史")
def audit_history(request, object_type: str, object_id: str):
    model = HISTORY_MODELS.get(object_type)
    if model is None:
        from django.http import Http404

        raise Http404
    obj = access(model, request.user, object_id)
    qs = AuditEntry.objects.filter(object_type=object_type, object_id=str(obj.pk))
    return [dict(e.__dict__, changes=e.changes) for e in qs[:500]]


@router.get("/audit/verify", response=VerifyOut, summary="校验审计链完整性")
def audit_verify_endpoint(request):
    require(request.user, "audit.view_all")
    result = audit_verify()
    return {"ok": result.ok, "count": result.count, "broken_seq": result.broken_seq, "reason": result.reason}


@router.get("/notifications", response=list[NotificationOut], summary="我的通知")
def notification_list(request, unread: bool = False, page: Query[PageParams] = None):
    qs = Notification.objects.restrict(request.user, VIEW)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return _page(qs, page or PageParams())


@router.get("/jobs/{int:job_id}", response=JobOut, summary="后台任务进度")
def job_get(request, job_id: int):
    return access(Job, request.user, job_id)


