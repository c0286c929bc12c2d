"""Policy library endpoints: list with the page's filters and search, detail with key points, create, update."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ducha.core.api import ErrorOut, PageParams
from ducha.core.scope import CHANGE, access
from ducha.policies import selectors, services
from ducha.policies.models import Policy

router = Router(tags=["政策库"])


class PolicyOut(Schema):
    id: int
    doc_number: str
    title: str
    issuer: str
    issued_on: dt.date
    effective_from: dt.date
    effective_to: dt.date | None
    status: str
    status_label: str
    level: str
    category: str
    region_code: str = Field(..., alias="region.code")
    lead_department: str = Field(..., alias="lead_department.name")
    delivery_method: str
    score: int | None = Field(None, alias="search_score")


class PointOut(Schema):
    seq: int
    text: str


class AttachmentOut(Schema):
    name: str
    sha256: str
    size: int


class PolicyDetailOut(PolicyOut):
    applicable_scope: str
    body: str
    cooperating: list[str]
    points: list[PointOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_cooperating(obj):
        return [d.name for d in obj.cooperating_departments.all()]

    @staticmethod
    def resolve_points(obj):
        return list(obj.points.all())

    @staticmethod
    def resolve_attachments(obj):
        return list(obj.attachments.all())


class PolicyFields(Schema):
    title: str
    issuer: str
    issued_on: str = Field(..., description="如 2025-03-05")
    effective_from: str
    effective_to: str = ""
    level: str = Field(..., description="国家 / 省 / 市 / 县")
    category: str
    region_code: str
    lead_department: str = Field(..., description="部门全称")
    cooperating: list[str] = []
    delivery_method: str
    applicable_scope: str = ""
    points: list[str] = []
    body: str = ""


class PolicyIn(PolicyFields):
    doc_number: str


class PolicyFilter(Schema):
    q: str = Field("", description="中文检索:标题、文号、正文、要点")
    level: str = ""
    category: str = ""
    status: str = Field("", description="pending / active / expiring / expired")
    department: str = Field("", description="牵头或配合部门 id")
    delivery: str = ""


def _fields(payload) -> dict:
    data = payload.dict()
    data["cooperating"] = "、".join(data["cooperating"])
    return data


@router.get("/policies", response=list[PolicyOut], summary="政策列表(筛选、中文检索,检索时按相关度排序)")
def policy_list(request, filters: Query[PolicyFilter], page: Query[PageParams]):
    qs, _f, searched = selectors.policy_filter(request.user, filters.dict())
    if not searched:
        qs = qs.order_by("-issued_on", "pk")
    return list(qs[page.offset: page.offset + page.limit])


@router.get("/policies/{int:policy_id}", response=PolicyDetailOut, summary="政策详情(含要点、附件)")
def policy_get(request, policy_id: int):
    return access(selectors.policy_queryset(request.user).prefetch_related("points", "cooperating_departments",
                                                                           "attachments"), request.user, policy_id)


@router.post("/policies", response={201: PolicyDetailOut, 400: ErrorOut, 403: ErrorOut}, summary="登记政策")
def policy_post(request, payload: PolicyIn):
    return Status(201, services.policy_create(actor=request.user, **_fields(payload)))


@router.put("/policies/{int:policy_id}", response={200: PolicyDetailOut, 400: ErrorOut, 404: ErrorOut},
            summary="修改政策(文号不可改)")
def policy_put(request, policy_id: int, payload: PolicyFields):
    policy = access(Policy, request.user, policy_id, CHANGE)
    return services.policy_update(actor=request.user, policy=policy, **_fields(payload))

