"""Enterprise library endpoints: list with the page's filters and search, detail, create, update."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from ducha.core.api import ErrorOut, PageParams
from ducha.core.scope import CHANGE, access
from ducha.enterprises import selectors, services
from ducha.enterprises.models import Enterprise

router = Router(tags=["市场主体库"])


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")
    address: str
    industry_section: str
    industry_division: str
    scale: str
    scale_label: str = Field(..., alias="get_scale_display")
    credit_grade: str
    risk_level: str
    established_on: dt.date | None
    contact_name: str
    contact_phone: str
    tags: list[str] = Field(..., alias="tag_list")


class EnterpriseFields(Schema):
    name: str
    region_code: str = Field(..., description="所属区划代码")
    address: str = ""
    industry_section: str = Field(..., description="GB/T 4754-2017 门类字母或名称")
    industry_division: str = ""
    scale: str = Field(..., description="规上 / 中小微(或 above / sme)")
    credit_grade: str = ""
    risk_level: str = Field("", description="红 / 黄 / 蓝(或 red / yellow / blue)")
    established_on: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    tags: list[str] = []


class EnterpriseIn(EnterpriseFields):
    credit_code: str


class EnterpriseFilter(Schema):
    q: str = Field("", description="名称关键词(中文分词检索)或信用代码前缀")
    region: str = ""
    industry: str = ""
    division: str = ""
    scale: str = ""
    credit: str = ""
    risk: str = ""
    tag: str = ""


@router.get("/enterprises", response=list[EnterpriseOut], summary="市场主体列表(筛选、检索)")
def enterprise_list(request, filters: Query[EnterpriseFilter], page: Query[PageParams]):
    qs, _f, searched = selectors.enterprise_filter(request.user, filters.dict())
    if not searched:
        qs = qs.order_by("credit_code")
    return list(qs[page.offset: page.offset + page.limit])


@router.get("/enterprises/{int:enterprise_id}", response=EnterpriseOut, summary="市场主体详情")
def enterprise_get(request, enterprise_id: int):
    return access(selectors.enterprise_queryset(request.user), request.user, enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut, 400: ErrorOut, 403: ErrorOut}, summary="登记市场主体")
def enterprise_post(request, payload: EnterpriseIn):
    return Status(201, services.enterprise_create(actor=request.user, **payload.dict()))


@router.put("/enterprises/{int:enterprise_id}", response={200: EnterpriseOut, 400: ErrorOut, 404: ErrorOut},
            summary="修改市场主体(信用代码不可改)")
def enterprise_put(request, enterprise_id: int, payload: EnterpriseFields):
    enterprise = access(Enterprise, request.user, enterprise_id, CHANGE)
    return services.enterprise_update(actor=request.user, enterprise=enterprise, **payload.dict())
