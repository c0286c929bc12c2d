"""Import and export of the policy library in the same columns (round trip)."""

from ducha.core.imports import Column, Importer, RowInvalid
from ducha.core.scope import CHANGE, VIEW
from ducha.core.text import clean_code, clean_text
from ducha.enterprises.models import Enterprise
from ducha.policies import services
from ducha.policies.choices import LinkStatus
from ducha.policies.models import Policy, PolicyEnterprise

COLUMNS = [
    Column("doc_number", "文号", aliases=("发文字号", "文件编号"), help="如 东政发〔2025〕12号,唯一"),
    Column("title", "标题", aliases=("政策名称", "政策标题")),
    Column("issuer", "发文机关", help="如 东川省人民政府"),
    Column("issued_on", "发布日期", help="如 2025-03-05"),
    Column("effective_from", "生效日期"),
    Column("effective_to", "失效日期", required=False, help="可空(长期有效)"),
    Column("level", "层级", help="国家 / 省 / 市 / 县"),
    Column("category", "政策类别", aliases=("类别",), help="财政扶持、税费优惠、金融支持、科技创新、人才就业、产业发展、营商环境、其他"),
    Column("region_code", "发文区划代码", aliases=("区划代码",), help="如 990000"),
    Column("lead_department", "牵头部门", help="部门全称,如 省财政厅"),
    Column("cooperating", "配合部门", required=False, help="多个用“、”分隔"),
    Column("delivery_method", "兑现方式", help="资金、税费、金融、服务、资质认定、其他"),
    Column("applicable_scope", "适用范围", required=False),
    Column("points", "政策要点", required=False, help="每条一行"),
    Column("body", "正文", required=False, aliases=("全文",)),
]
LABELS = {c.key: c.label for c in COLUMNS}
HEADERS = [c.label for c in COLUMNS]


class PolicyImporter(Importer):
    name = "政策"
    key = "doc_number"
    columns = COLUMNS

    def prepare(self, actor) -> None:
        self.lookups = services.Lookups(actor)

    def clean_row(self, raw: dict, row: int) -> dict:
        data, problems = services.policy_clean(raw, lookups=self.lookups)
        if problems:
            raise RowInvalid([(LABELS[field], value, reason) for field, value, reason in problems])
        return data

    def apply(self, actor, rows, progress=None):
        return services.policies_import(actor=actor, rows=rows, progress=progress)


def export_rows(qs):
    qs = qs.select_related("region", "lead_department").prefetch_related("points", "cooperating_departments")
    for p in qs.iterator(chunk_size=500):
        yield [
            p.doc_number, p.title, p.issuer, p.issued_on.isoformat(), p.effective_from.isoformat(),
            p.effective_to.isoformat() if p.effective_to else "", p.get_level_display(), p.get_category_display(),
            p.region.code, p.lead_department.name,
            "、".join(d.name for d in sorted(p.cooperating_departments.all(), key=lambda d: d.pk)),
            p.get_delivery_method_display(), p.applicable_scope, "\n".join(x.text for x in p.points.all()), p.body,
        ]


def export_policies(actor):
    qs = Policy.objects.restrict(actor, VIEW) if actor else Policy.objects.all()
    return "政策", HEADERS, export_rows(qs.order_by("doc_number"))


LINK_COLUMNS = [
    Column("doc_number", "文号", help="政策库中已有的文号"),
    Column("credit_code", "统一社会信用代码", aliases=("信用代码",), help="市场主体库中已有、在您辖区内的企业"),
    Column("status", "状态", help="符合政策条件 / 已申报 / 已享受"),
    Column("title", "政策标题", required=False, help="仅供阅读"),
    Column("name", "企业名称", required=False, help="仅供阅读"),
]
LINK_HEADERS = ["文号", "统一社会信用代码", "状态", "政策标题", "企业名称"]


class PolicyEnterpriseImporter(Importer):
    """政策享受名单: which enterprises are eligible for, applied for or received each policy."""

    name = "政策享受名单"
    columns = LINK_COLUMNS

    def prepare(self, actor) -> None:
        self.actor = actor
        self.policies = Policy.objects.restrict(actor, VIEW) if actor else Policy.objects.all()
        self.enterprises = Enterprise.objects.restrict(actor, CHANGE) if actor else Enterprise.objects.all()
        self.seen: dict[tuple[str, str], int] = {}

    def clean_row(self, raw: dict, row: int) -> dict:
        problems = []
        number = clean_text(raw["doc_number"]).replace(" ", "")
        code = clean_code(raw["credit_code"])
        status = next((v for v, label in LinkStatus.choices if clean_text(raw["status"]) in (v, label)), None)
        policy = self.policies.filter(doc_number=number).first() if number else None
        enterprise = self.enterprises.filter(credit_code=code).first() if code else None
        if policy is None:
            problems.append(("文号", raw["doc_number"], "政策库中没有这个文号,或不在您可查看的范围内"))
        if enterprise is None:
            problems.append(("统一社会信用代码", raw["credit_code"], "市场主体库中没有这个信用代码,或不在您的管辖范围内"))
        if status is None:
            problems.append(("状态", raw["status"], "状态应为 符合政策条件、已申报、已享受 之一"))
        if not problems and (number, code) in self.seen:
            problems.append(("统一社会信用代码", code, f"与第 {self.seen[(number, code)]} 行重复(同一政策同一企业)"))
        if problems:
            raise RowInvalid(problems)
        self.seen[(number, code)] = row
        return {"policy": policy, "enterprise": enterprise, "status": status}

    def apply(self, actor, rows, progress=None):
        return services.policy_enterprises_import(actor=actor, rows=rows, progress=progress)


def export_policy_enterprises(actor):
    qs = PolicyEnterprise.objects.restrict(actor, VIEW) if actor else PolicyEnterprise.objects.all()
    qs = qs.select_related("policy", "enterprise").order_by("policy__doc_number", "enterprise__credit_code")
    return "政策享受名单", LINK_HEADERS, (
        (x.policy.doc_number, x.enterprise.credit_code, x.get_status_display(), x.policy.title, x.enterprise.name)
        for x in qs.iterator(chunk_size=2000))
