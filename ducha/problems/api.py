"""Problem ledger endpoints: list (with the ledger's filters), one problem, raise, transition, and the
close-out request (申请销号) as a multipart upload because it must carry evidence files."""

import datetime as dt

from django.core.exceptions import ValidationError
from ninja import Field, File, Form, Query, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status

from ducha.core.models import Department, Region
from ducha.core.scope import CHANGE, VIEW, access
from ducha.core.services import Conflict
from ducha.problems import selectors, services
from ducha.problems.choices import OPEN_STATES, Category, Nature, Severity, SourceKind, SubjectKind
from ducha.problems.models import Problem

router = Router(tags=["问题台账"])


class ProblemOut(Schema):
    id: int
    number: str
    title: str
    description: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    severity: str
    category: str
    nature: str
    source_kind: str
    source_id: str
    source_title: str
    subject_kind: str
    subject_id: str
    subject_label: str
    enterprise_code: str
    region_id: int
    lead_department_id: int | None
    responsible_person: str
    measures: str
    acceptance_criterion: str
    raised_on: dt.date
    deadline: dt.date
    due_at: dt.date | None
    closed_on: dt.date | None
    version: int


class ProblemFilters(Schema):
    status: str | None = None
    severity: str | None = None
    category: str | None = None
    source_kind: str | None = None
    department_id: int | None = None
    overdue: bool = False
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0)


class ProblemIn(Schema):
    source_kind: SourceKind = SourceKind.MANUAL
    source_id: str = ""
    source_title: str = ""
    title: str = ""
    description: str
    region_code: str
    subject_kind: SubjectKind = SubjectKind.OTHER
    subject_id: str = ""
    subject_label: str = ""
    enterprise_code: str = ""
    lead_department_id: int | None = None
    responsible_person: str = ""
    category: Category = Category.EXECUTION
    nature: Nature = Nature.COMMON
    severity: Severity = Severity.ORDINARY
    measures: str = ""
    acceptance_criterion: str = ""
    raised_on: dt.date | None = None
    deadline: dt.date | None = None
    deadline_working_days: int | None = None


class TransitionIn(Schema):
    action: str
    version: int
    note: str = ""
    statement: str = ""
    method: str = ""
    report: str = ""
    new_deadline: dt.date | None = None


@router.get("/", response=list[ProblemOut], summary="问题台账(按数据范围)")
def problem_list(request, filters: Query[ProblemFilters]):
    qs = selectors.problems_for(request.user)
    for field in ("status", "severity", "category", "source_kind"):
        if getattr(filters, field):
            qs = qs.filter(**{field: getattr(filters, field)})
    if filters.department_id:
        qs = qs.filter(lead_department_id=filters.department_id)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_STATES, deadline__lt=selectors.today())
    return list(qs.order_by("-raised_on", "-pk")[filters.offset:filters.offset + filters.limit])


@router.get("/{int:problem_id}", response=ProblemOut, summary="问题详情")
def problem_get(request, problem_id: int):
    return access(Problem, request.user, problem_id)


@router.post("/", response={201: ProblemOut}, summary="录入问题")
def problem_create(request, payload: ProblemIn):
    region = Region.objects.restrict(request.user, VIEW).filter(code=payload.region_code).first()
    if region is None:
        raise ValidationError({"region_code": "区划代码不存在或无权使用"})
    department = None
    if payload.lead_department_id:
        department = access(Department, request.user, payload.lead_department_id)
    data = payload.dict(exclude={"region_code", "lead_department_id"})
    problem = services.problem_raise(actor=request.user, region=region, lead_department=department, **data)
    return Status(201, problem)


@router.post("/{int:problem_id}/transition", response=ProblemOut, summary="推进整改环节(不含附件)")
def problem_transition(request, problem_id: int, payload: TransitionIn):
    problem = access(Problem, request.user, problem_id, CHANGE)
    try:
        return services.problem_transition(actor=request.user, problem=problem, **payload.dict())
    except Conflict as exc:
        raise HttpError(409, str(exc)) from None
    except ValidationError as exc:
        # JSON carries no files: tell the client where close-out evidence is uploaded.
        if payload.action == "request_close" and "evidence" in getattr(exc, "error_dict", {}):
            raise ValidationError({"evidence": f"申请销号须上传整改佐证材料,请改用 POST /api/v1/problems/{problem.pk}"
                                               "/request-close(multipart/form-data)"}) from None
        raise


@router.post("/{int:problem_id}/request-close", response=ProblemOut, summary="申请销号(multipart,须附佐证材料)",
             description="multipart/form-data:`version`、`statement`(整改成效说明)和一个或多个 `evidence` 文件。"
                         "与网页表单调用同一服务,校验规则相同;失败时不写入任何记录。")
def problem_request_close(request, problem_id: int, version: Form[int], statement: Form[str] = "",
                          evidence: File[list[UploadedFile]] = None):
    problem = access(Problem, request.user, problem_id, CHANGE)
    try:
        done = services.problem_transition(actor=request.user, problem=problem, action="request_close",
                                           version=version, statement=statement, evidence=evidence or [])
    except Conflict as exc:
        raise HttpError(409, str(exc)) from None
    if done.version == version:
        # Already 申请销号: the service treats the repeat as a no-op, so say the files were not kept.
        raise HttpError(409, f"问题已是“{done.get_status_display()}”,未重复申请,本次上传的材料未保存")
    return done
