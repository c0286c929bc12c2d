"""Demo policies: realistic business-support policies issued by the province, its cities and
counties, with 文号, full text and key points; plus enterprises on the policies' lists.
Deterministic from the ``rng`` passed in. ``province`` scale builds 48,000 policies."""

import datetime as dt

from ducha.core.demo import CITIES, DEMO_ENTERPRISE_CODE, PROVINCE
from ducha.core.models import Department, Region
from ducha.enterprises.models import Enterprise
from ducha.policies import services
from ducha.policies.choices import DeliveryMethod, LinkStatus, PolicyCategory, PolicyLevel

COUNTS = {"demo": None, "province": 48_000}

# (topic title, category, delivery, lead key, cooperating keys, scope, key points)
TOPICS = [
    ("关于进一步落实研发费用加计扣除政策的通知", PolicyCategory.TAX, DeliveryMethod.TAX, "tax", ["tech", "fiscal"],
     "在本行政区域内依法登记、实行查账征收的居民企业",
     ["企业开展研发活动中实际发生的研发费用,未形成无形资产计入当期损益的,在按规定据实扣除的基础上,按照实际发生额的100%在税前加计扣除",
      "形成无形资产的,按照无形资产成本的200%在税前摊销",
      "税务部门在季度预缴申报时为企业提供研发费用加计扣除辅助账填报指引",
      "科技部门会同税务部门对企业研发项目开展鉴定,鉴定结果10个工作日内反馈企业"]),
    ("关于支持小微企业融资的若干措施", PolicyCategory.FINANCE, DeliveryMethod.FINANCE, "fiscal", ["dev", "market"],
     "小微企业、个体工商户",
     ["对单户授信1000万元以下的小微企业贷款给予1%的贷款贴息",
      "政府性融资担保机构对小微企业的担保费率降至1%以下",
      "设立小微企业首贷续贷服务中心,首次贷款审批时限不超过10个工作日",
      "对无还本续贷的小微企业给予风险补偿"]),
    ("关于促进专精特新中小企业高质量发展的实施意见", PolicyCategory.INDUSTRY, DeliveryMethod.FUNDS, "industry",
     ["fiscal", "tech"], "经认定的专精特新中小企业及专精特新“小巨人”企业",
     ["对新认定的国家级专精特新“小巨人”企业给予一次性奖励50万元",
      "对新认定的省级专精特新中小企业给予一次性奖励20万元",
      "建立专精特新企业培育库,实行一企一策精准服务",
      "优先推荐专精特新企业申报技术改造和数字化转型项目"]),
    ("关于落实失业保险稳岗返还政策的通知", PolicyCategory.TALENT, DeliveryMethod.FUNDS, "hr", ["fiscal"],
     "上年度未裁员或裁员率不高于规定比例的参保企业",
     ["中小微企业按企业及其职工上年度实际缴纳失业保险费的60%返还",
      "大型企业按企业及其职工上年度实际缴纳失业保险费的30%返还",
      "稳岗返还实行免申即享,由人社部门主动筛选符合条件的企业直接拨付"]),
    ("关于推行惠企政策“免申即享”改革的实施方案", PolicyCategory.BUSINESS, DeliveryMethod.SERVICE, "dev",
     ["fiscal", "market"], "本行政区域内各类市场主体",
     ["梳理公布免申即享惠企政策清单,每季度动态更新",
      "依托数据共享精准识别符合条件的企业,实现政策资金直达快享",
      "惠企政策兑现资金原则上在审核通过后15个工作日内拨付到位",
      "建立惠企政策兑现情况监测预警机制,对超期未兑现的事项督办"]),
    ("关于加快制造业数字化转型的若干政策", PolicyCategory.INDUSTRY, DeliveryMethod.FUNDS, "industry", ["tech", "fiscal"],
     "规模以上工业企业和工业互联网平台服务商",
     ["对企业数字化转型项目按设备和软件投资额的10%给予补助,最高不超过300万元",
      "对新认定的智能工厂、数字化车间分别给予100万元、50万元奖励",
      "支持中小企业上云用云,按云服务费用的30%给予补贴"]),
    ("关于实施高新技术企业倍增计划的通知", PolicyCategory.TECH, DeliveryMethod.QUALIFICATION, "tech", ["tax", "fiscal"],
     "科技型中小企业和拟申报高新技术企业的企业",
     ["对首次认定的高新技术企业给予一次性奖励30万元",
      "建立高新技术企业后备培育库,入库企业享受研发投入后补助",
      "高新技术企业减按15%的税率征收企业所得税"]),
    ("关于支持个体工商户纾困发展的若干措施", PolicyCategory.FISCAL, DeliveryMethod.FUNDS, "market", ["fiscal", "tax"],
     "在本行政区域内登记的个体工商户",
     ["对小规模纳税人月销售额10万元以下的免征增值税",
      "对困难个体工商户给予一次性纾困补助3000元",
      "个体工商户转型为企业的,原有各类许可证件有效期内继续有效"]),
    ("关于进一步降低企业社保费负担的通知", PolicyCategory.TAX, DeliveryMethod.TAX, "hr", ["tax", "fiscal"],
     "参加社会保险的用人单位",
     ["延续实施阶段性降低失业保险、工伤保险费率政策",
      "对受疫情影响较大的困难行业企业可申请缓缴社保费,缓缴期间免收滞纳金"]),
    ("关于首台套重大技术装备保险补偿的实施办法", PolicyCategory.TECH, DeliveryMethod.FUNDS, "industry", ["fiscal"],
     "生产首台套重大技术装备的制造企业",
     ["对投保首台套重大技术装备综合险的企业按保费的80%给予补偿",
      "单个企业年度补偿金额最高不超过500万元"]),
    ("关于深化企业开办“一网通办”改革的通知", PolicyCategory.BUSINESS, DeliveryMethod.SERVICE, "approval", ["market", "tax"],
     "新开办企业",
     ["企业开办全流程压缩至1个工作日内办结",
      "为新开办企业免费刻制首套印章",
      "新开办企业营业执照、发票和税控设备一次领取"]),
    ("关于创业担保贷款贴息的实施办法", PolicyCategory.FINANCE, DeliveryMethod.FINANCE, "hr", ["fiscal"],
     "符合条件的个人创业者和小微企业",
     ["个人创业担保贷款额度最高30万元,按规定给予全额贴息",
      "小微企业创业担保贷款额度最高400万元,贴息比例为贷款利息的50%"]),
    ("关于鼓励企业技术改造的奖补办法", PolicyCategory.INDUSTRY, DeliveryMethod.FUNDS, "industry", ["dev", "fiscal"],
     "实施技术改造项目的工业企业",
     ["对设备投资500万元以上的技术改造项目按设备投资额的8%给予奖补",
      "技术改造奖补资金在项目竣工验收后30日内拨付"]),
    ("关于落实增值税留抵退税政策的通知", PolicyCategory.TAX, DeliveryMethod.TAX, "tax", ["fiscal"],
     "符合条件的制造业等行业企业和小微企业",
     ["对符合条件的小微企业一次性退还存量留抵税额",
      "留抵退税申请在受理后5个工作日内办结"]),
    ("关于引进高层次人才的若干措施", PolicyCategory.TALENT, DeliveryMethod.FUNDS, "hr", ["tech", "fiscal"],
     "在本地全职工作的高层次人才及其用人单位",
     ["对全职引进的顶尖人才给予最高500万元安家补贴",
      "用人单位引进急需紧缺人才的,按引才费用的50%给予补助"]),
    ("关于推动惠企政策直达快享的工作方案", PolicyCategory.BUSINESS, DeliveryMethod.SERVICE, "dev", ["fiscal", "market"],
     "本行政区域内各类市场主体",
     ["建设惠企政策服务平台,实现政策统一发布、精准推送、在线申报",
      "惠企政策发布后3个工作日内完成政策要点解读",
      "每半年开展一次惠企政策落实情况评估"]),
]
PROVINCE_LEADS = {"tax": "省税务局", "fiscal": "省财政厅", "tech": "省科技厅", "industry": "省工业和信息化厅",
                  "hr": "省人力资源社会保障厅", "dev": "省发展改革委", "market": "省市场监管局", "approval": "省发展改革委"}
CITY_LEADS = {"tax": "财政局", "fiscal": "财政局", "tech": "科技局", "industry": "工信局", "hr": "人社局",
              "dev": "发改委", "market": "市场监管局", "approval": "行政审批服务局"}
COUNTY_LEADS = {"tech": "科技局", "market": "市场监管局"}
DOC_PREFIX = {"990000": "东", "990100": "明", "990200": "清", "990300": "安"}
CN_NUM = "一二三四五六七八九十"


def _body(title: str, place: str, points: list[str], lead: str, coop: list[str], start: dt.date,
          end: dt.date | None) -> str:
    lines = ["各有关单位:",
             f"为深入贯彻党中央、国务院关于支持市场主体发展的决策部署,进一步优化营商环境,推动惠企政策直达快享,"
             f"结合{place}实际,现就{title.removeprefix('关于').removesuffix('的通知')}有关事项通知如下。"]
    for i, point in enumerate(points):
        lines.append(f"{CN_NUM[i]}、{point}。各地各部门要加强政策宣传解读,确保符合条件的企业应知尽知、应享尽享。")
    n = len(points)
    lines.append(f"{CN_NUM[n]}、职责分工。由{lead}牵头组织实施"
                 + (f",{'、'.join(coop)}按职责分工配合" if coop else "") + ",建立工作台账,按月报送落实进展。")
    lines.append(f"{CN_NUM[n + 1]}、监督检查。督查部门将政策落实情况纳入督查检查内容,对推进不力、兑现不及时的予以通报。")
    lines.append(f"{CN_NUM[n + 2]}、本通知自{start.year}年{start.month}月{start.day}日起施行"
                 + (f",有效期至{end.year}年{end.month}月{end.day}日。" if end else "。"))
    return "\n".join(lines)


def _issuers():
    """(region code, place name, issuer, doc word, level, lead names by key) for each issuing government."""
    out = [(PROVINCE[0], PROVINCE[1], f"{PROVINCE[1]}人民政府", "政发", PolicyLevel.PROVINCE, PROVINCE_LEADS)]
    for city_code, city_name, _counties in CITIES:
        out.append((city_code, city_name, f"{city_name}人民政府", "政发", PolicyLevel.CITY,
                    {k: f"{city_name}{v}" for k, v in CITY_LEADS.items()}))
    return out


def policy_rows(rng, count: int | None, departments: dict[str, Department], regions: dict[str, Region]):
    """Every topic from the province and each city (64 policies), then county versions; for the
    province scale the topics repeat over the years until ``count`` is reached."""
    numbers: dict[tuple[str, int], int] = {}
    made = 0
    issuers = _issuers()
    counties = [(c, n, city) for city, _cn, cs in CITIES for c, n in cs]
    round_no = 0
    while True:
        plans = [(issuer, topic) for issuer in issuers for topic in TOPICS]
        if round_no == 0:
            for code, name, _city in counties[:4]:
                leads = {k: f"{name}{v}" for k, v in COUNTY_LEADS.items()}
                for topic in (TOPICS[2], TOPICS[7]):
                    plans.append(((code, name, f"{name}人民政府", "政发", PolicyLevel.COUNTY,
                                   {**leads, "industry": leads["tech"]}), topic))
        for (code, place, issuer, word, level, leads), topic in plans:
            if count is not None and made >= count:
                return
            title, category, delivery, lead_key, coop_keys, scope, points = topic
            lead_name = leads.get(lead_key) or next(iter(leads.values()))
            lead = departments.get(lead_name)
            if lead is None:
                continue
            coop_names = dict.fromkeys(leads[k] for k in coop_keys if k in leads and leads[k] in departments
                                       and leads[k] != lead_name)
            coop = [departments[n] for n in coop_names]
            year = 2022 + (made + round_no) % 5 if round_no else rng.choice([2023, 2024, 2025, 2026])
            issued = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            start = issued + dt.timedelta(days=rng.choice([0, 0, 10, 30]))
            end = None if rng.random() < 0.25 else start + dt.timedelta(days=365 * rng.choice([1, 2, 3, 5]))
            prefix = DOC_PREFIX.get(code[:4] + "00", "") if len(code) == 6 and code.endswith("00") else place[:1]
            key = (prefix + word, year)
            numbers[key] = numbers.get(key, rng.randint(1, 9)) + rng.randint(1, 4)
            doc_number = f"{prefix}{word}〔{year}〕{numbers[key]}号"
            full_title = (f"{place}{title}" if level != PolicyLevel.PROVINCE or rng.random() < 0.5 else title)
            if round_no:
                full_title = f"{full_title}({year}年修订第{round_no}版)"
            body = _body(title, place, points, lead.name, [d.name for d in coop], start, end)
            made += 1
            yield {
                "doc_number": doc_number, "title": full_title, "issuer": issuer, "issued_on": issued,
                "effective_from": start, "effective_to": end, "level": level, "category": category,
                "applicable_scope": scope, "region": regions[code], "lead_department": lead,
                "delivery_method": delivery, "body": body, "points": list(points), "cooperating": coop,
            }
        round_no += 1
        if count is None:
            return


def build(*, rng, scale: str, echo=print) -> None:
    departments = {d.name: d for d in Department.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    count = COUNTS.get(scale)
    rows, total = [], 0
    for row in policy_rows(rng, count, departments, regions):
        rows.append(row)
        if len(rows) >= 2000:
            services.policies_import(actor=None, rows=rows)
            total += len(rows)
            rows = []
            echo(f"政策 {total}")
    if rows:
        services.policies_import(actor=None, rows=rows)
        total += len(rows)
    echo(f"政策 {total} 条")
    _link_enterprises(rng)


def _link_enterprises(rng) -> None:
    """Put some enterprises on the lists of the province's policies (and the demo enterprise on three)."""
    from ducha.policies.models import Policy

    policies = list(Policy.objects.filter(region__code=PROVINCE[0]).order_by("doc_number")[:16])
    enterprises = list(Enterprise.objects.order_by("credit_code")[:3000])
    demo = Enterprise.objects.filter(credit_code=DEMO_ENTERPRISE_CODE).first()
    statuses = LinkStatus.values
    for policy in policies:
        for enterprise in rng.sample(enterprises, min(12, len(enterprises))):
            services.policy_enterprise_set(actor=None, policy=policy, enterprise=enterprise, status=rng.choice(statuses))
    if demo:
        for policy, status in zip(policies[:3], statuses, strict=False):
            services.policy_enterprise_set(actor=None, policy=policy, enterprise=demo, status=status)
