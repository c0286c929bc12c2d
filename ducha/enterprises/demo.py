"""Demo enterprises: 2,400 (demo) or 460,000 (province) market entities with valid credit codes,
spread over the demo counties and townships. Deterministic from the ``rng`` passed in."""

import datetime as dt
import random

from ducha.core.choices import RegionLevel
from ducha.core.demo import DEMO_ENTERPRISE_CODE
from ducha.core.models import Region
from ducha.core.validators import CREDIT_CHARSET, make_credit_code
from ducha.enterprises import services
from ducha.enterprises.choices import DIVISIONS, CreditGrade, RiskLevel, Scale

COUNTS = {"demo": 2400, "province": 460_000}
BATCH = 20_000
BRANDS = list("鑫达恒泰华信宏远博瑞金诚安康永盛天成兴隆嘉禾利通正源顺昌浩宇锦程明辉汇丰新翔德润卓越启航")
TRADES = {
    "A": ["农业科技", "生态农业", "种养殖"], "C": ["机械制造", "新材料", "电子科技", "食品", "纺织", "化工", "精密仪器", "汽车零部件"],
    "D": ["新能源", "热力"], "E": ["建设工程", "建筑安装"], "F": ["商贸", "超市", "医药连锁"], "G": ["物流", "运输"],
    "H": ["餐饮管理", "酒店"], "I": ["软件", "信息技术", "网络科技"], "L": ["企业管理咨询", "人力资源"],
    "M": ["检测技术", "工程设计", "技术研究院"], "O": ["家政服务", "汽车维修"], "R": ["文化传媒", "体育发展"],
}
FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
STREETS = ["人民路", "解放路", "建设大道", "黄河路", "渤海大道", "长江路", "工业园区", "高新区创业路", "新华街", "青年路"]


def _body(n: int) -> str:
    """Eight organisation-code characters unique per n ("MB" then base-31 digits)."""
    digits = []
    for _ in range(6):
        n, r = divmod(n, 31)
        digits.append(CREDIT_CHARSET[r])
    return "MB" + "".join(reversed(digits))


def enterprise_rows(rng, count: int, regions: list[Region], start: int = 0):
    divisions_by_section: dict[str, list[str]] = {}
    for code, (section, _name) in DIVISIONS.items():
        divisions_by_section.setdefault(section, []).append(code)
    sections = list(TRADES)
    for i in range(start, start + count):
        region = regions[i % len(regions)]
        county = region.code[:6]
        section = rng.choice(sections)
        place = region.name[:2] if region.level <= RegionLevel.COUNTY else region.parent.name[:2]
        name = f"{place}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(TRADES[section])}{rng.choice(FORMS)}"
        if i % 7 == 0:
            name = name.replace("有限", f"第{i % 97 + 1}分公司有限", 1) if "分公司" not in name else name
        tags = []
        roll = rng.random()
        if roll < 0.08:
            tags.append("新开办")
        if rng.random() < 0.05:
            tags.append("涉企投诉")
        if section in ("C", "I", "M") and rng.random() < 0.12:
            tags.append(rng.choice(["专精特新", "高新技术企业", "科技型中小企业"]))
        established = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randint(0, 7600))
        if "新开办" in tags:
            established = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        yield {
            "credit_code": make_credit_code("91", county, _body(i)),
            "name": name[:200],
            "region": region,
            "address": f"{region.name}{rng.choice(STREETS)}{rng.randint(1, 999)}号",
            "industry_section": section,
            "industry_division": rng.choice(divisions_by_section[section]),
            "scale": Scale.ABOVE if rng.random() < 0.15 else Scale.SME,
            "credit_grade": rng.choices(CreditGrade.values, weights=[45, 35, 15, 5])[0],
            "risk_level": rng.choices(RiskLevel.values, weights=[5, 20, 75])[0],
            "established_on": established,
            "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .5 else ""),
            "contact_phone": f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            "tags": services.tags_text(tags),
            "contacts": _further_contacts(i),
        }


def _further_contacts(i: int) -> list[tuple[str, str, str]]:
    """A finance or tax contact for about one enterprise in ten (own generator per row, so
    the main sequence, and with it every other demo value, does not depend on it)."""
    if i % 10 != 3:
        return []
    rng = random.Random(i)
    people = []
    for title in rng.sample(["财务负责人", "办税员", "人事专员", "安全生产负责人"], k=rng.randint(1, 2)):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < .5 else "")
        people.append((name, title, f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"))
    return people


def build(*, rng, scale: str, echo=print) -> None:
    count = COUNTS.get(scale, COUNTS["demo"])
    regions = list(Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
                   .select_related("parent").order_by("code"))
    by_code = {r.code: r for r in Region.objects.all()}
    # The demo enterprise user 'qiye' belongs to this one.
    first = {
        "credit_code": DEMO_ENTERPRISE_CODE, "name": "明州东城鑫达机械制造有限公司", "region": by_code["990102"],
        "address": "东城区工业园区88号", "industry_section": "C", "industry_division": "34", "scale": Scale.SME,
        "credit_grade": "A", "risk_level": RiskLevel.BLUE, "established_on": dt.date(2016, 5, 18),
        "contact_name": "冯企业", "contact_phone": "13905430001", "tags": services.tags_text(["专精特新"]),
        "contacts": [("冯会计", "财务负责人", "13905430002")],
    }
    services.enterprises_import(actor=None, rows=[first])
    made = 0
    while made < count - 1:  # the count includes the first
        n = min(BATCH, count - 1 - made)
        services.enterprises_import(actor=None, rows=list(enterprise_rows(rng, n, regions, start=made)))
        made += n
        echo(f"市场主体 {made + 1}/{count}")
