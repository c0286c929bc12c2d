"""Import and export of the enterprise library in the same columns (round trip)."""

from ducha.core.imports import Column, Importer, RowInvalid
from ducha.core.scope import VIEW
from ducha.enterprises import services
from ducha.enterprises.choices import DIVISIONS, SECTIONS
from ducha.enterprises.models import Enterprise

COLUMNS = [
    Column("credit_code", "统一社会信用代码", aliases=("信用代码", "社会信用代码"), help="18位,按 GB 32100-2015 校验"),
    Column("name", "企业名称", aliases=("名称", "市场主体名称"), help="如 明州市鑫达机械有限公司"),
    Column("region_code", "所属区划代码", aliases=("区划代码",), help="6/9/12位统计用区划代码,如 990102"),
    Column("region_name", "所属区划", required=False, help="仅供阅读,导入时以区划代码为准"),
    Column("address", "注册地址", required=False, aliases=("地址",)),
    Column("industry_section", "行业门类", aliases=("门类",), help="GB/T 4754-2017 门类,如 C 或 制造业"),
    Column("industry_division", "行业大类", required=False, aliases=("大类",), help="两位代码或名称,如 39"),
    Column("scale", "企业规模", aliases=("规模",), help="规上 / 中小微"),
    Column("credit_grade", "信用等级", required=False, help="A / B / C / D,可空"),
    Column("risk_level", "风险等级", required=False, help="红 / 黄 / 蓝,可空"),
    Column("established_on", "成立日期", required=False, help="如 2024-03-05、2024/3/5 或 2024年3月5日"),
    Column("contact_name", "联系人", required=False),
    Column("contact_phone", "联系电话", required=False, aliases=("电话", "手机号"), help="手机号或座机,如 0543-3161234"),
    Column("tags", "标签", required=False, help="多个用“、”分隔,如 新开办、涉企投诉"),
    Column("contacts", "其他联系人", required=False,
           help="多人用“;”分隔,如 王芳(财务主管) 13800000000;李强 0543-3161234。整列省略则不改动已有联系人"),
]
LABELS = {c.key: c.label for c in COLUMNS}
HEADERS = [c.label for c in COLUMNS]


class EnterpriseImporter(Importer):
    name = "市场主体"
    key = "credit_code"
    columns = COLUMNS

    def prepare(self, actor) -> None:
        self.regions = services.regions_for(actor)

    def clean_row(self, raw: dict, row: int) -> dict:
        data, problems = services.enterprise_clean(raw, regions=self.regions)
        data["contacts"] = None  # column left out: keep the stored contacts
        if "contacts" in self.present:
            data["contacts"], contact_problems = services.parse_contacts(raw.get("contacts"))
            problems += [("contacts", value, reason) for value, reason in contact_problems]
        if problems:
            raise RowInvalid([(LABELS[field], value, reason) for field, value, reason in problems])
        return data

    def apply(self, actor, rows, progress=None):
        return services.enterprises_import(actor=actor, rows=rows, progress=progress)


def export_row(e: Enterprise) -> list:
    return [
        e.credit_code, e.name, e.region.code, e.region.name, e.address,
        f"{e.industry_section} {SECTIONS.get(e.industry_section, '')}".strip(),
        f"{e.industry_division} {DIVISIONS[e.industry_division][1]}" if e.industry_division else "",
        e.get_scale_display(), e.credit_grade, e.get_risk_level_display() if e.risk_level else "",
        e.established_on.isoformat() if e.established_on else "", e.contact_name, e.contact_phone,
        "、".join(e.tag_list),
        services.contacts_text([(c.name, c.title, c.phone) for c in e.contacts.all()] if e.pk else []),
    ]


def export_rows(qs):
    return (export_row(e) for e in qs.select_related("region").prefetch_related("contacts").iterator(chunk_size=2000))


def export_enterprises(actor):
    qs = Enterprise.objects.restrict(actor, VIEW).order_by("credit_code") if actor else Enterprise.objects.order_by(
        "credit_code")
    return "市场主体", HEADERS, export_rows(qs)
