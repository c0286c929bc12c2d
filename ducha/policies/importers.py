"""Import and export of the policy library in the same columns (round trip)."""

from ducha.core.imports import Column, Importer, RowInvalid
from ducha.core.scope import VIEW
from ducha.policies import services
from ducha.policies.models import Policy

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
