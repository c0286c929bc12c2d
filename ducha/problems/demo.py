"""Demo problems: about 150 across the demo regions and departments, in every state of the
loop, with real timelines (each state reached through the services). Same seed, same data."""

import datetime as dt

from django.utils import timezone

from ducha.core.demo import DEMO_ENTERPRISE_CODE
from ducha.core.models import Department
from ducha.problems import services
from ducha.problems.choices import Category, Nature, RecheckMethod, Severity, SourceKind, SubjectKind

FINDINGS = [
    ("惠企资金拨付不及时", "企业申请的研发补助资金超过承诺时限{n}个月仍未拨付到位", "建立资金拨付台账,逐笔销号", "补助资金全部拨付到位"),
    ("政策知晓率偏低", "抽样调查显示企业对减税降费政策知晓率仅3{n}%,宣传覆盖不足", "开展政策进园区宣讲,推送政策短信",
     "复评知晓率达到80%以上"),
    ("审批时限超标", "企业开办审批平均用时超出承诺时限{n}个工作日", "精简审批环节,推行容缺受理", "申请时间缩短50%"),
    ("政策转发不及时", "上级文件转发延迟{n}天,乡镇未按时传达", "建立收文转发提醒机制", "转发及时率达到100%"),
    ("涉企检查频次过高", "同一企业一年内被不同部门检查{n}次,存在重复检查", "推行“综合查一次”,联合检查", "重复检查率下降50%"),
    ("配套细则缺失", "政策出台后{n}个月未制定实施细则,基层无法执行", "制定并印发实施细则", "实施细则印发并组织培训"),
    ("兑现材料要求过多", "政策兑现要求企业提交材料{n}项,多项可通过共享获取", "梳理材料清单,取消可共享材料", "申报材料精简至5项以内"),
    ("窗口服务态度差", "12345热线反映窗口工作人员推诿,{n}次投诉未办结", "开展作风整顿,落实首问负责制", "投诉按期办结率100%"),
    ("数据填报不实", "部门报送的到位率与企业反馈差异{n}0个百分点,存在数字整改", "核实台账,追究填报责任", "报送数据与核查数据一致"),
    ("外部环境变化致政策失效", "原材料价格变化导致补贴标准已不适应,{n}家企业反映", "研究调整补贴标准", "修订方案报政府常务会审议"),
]
COMPANIES = ["明州恒达机械有限公司", "东城新材料科技有限公司", "临江食品有限公司", "青山纺织有限公司", "清河智能装备有限公司",
             "白水生物医药有限公司", "安平物流有限公司", "北原电子有限公司", "南湖农业发展有限公司", "石桥建材有限公司"]
DEMO_COMPANY = "明州东城鑫达机械制造有限公司"
SOURCE_TITLES = {
    SourceKind.INSPECTION: "2026年营商环境专项巡查", SourceKind.EVALUATION: "2026年上半年惠企政策“三评”",
    SourceKind.FORWARDING: "政策转发落实督导", SourceKind.ANALYTICS: "多源数据比对预警",
    SourceKind.HOTLINE: "12345政务服务热线", SourceKind.MANUAL: "督查室日常督查",
}
# Where each demo problem ends up, with weights.
FATES = [("pending", 12), ("rectifying", 30), ("overdue", 12), ("close_requested", 6), ("rechecking", 5),
         ("failed_recheck", 6), ("closed", 25), ("consolidated", 10), ("rebound", 6), ("appealing", 3),
         ("postponed", 4)]
COUNTS = {"demo": 150, "province": 3000}
OPEN_FATES = {"pending", "rectifying", "close_requested", "rechecking", "failed_recheck", "appealing", "postponed"}


def build_problems(*, rng, scale="demo", echo=print):
    today = timezone.localdate()
    departments = list(Department.objects.select_related("region").order_by("pk"))
    count = COUNTS.get(scale, COUNTS["demo"])
    fates = [name for name, weight in FATES for _ in range(weight)]
    made = 0
    for i in range(count):
        dept = rng.choice(departments)
        title, text, measures, criterion = rng.choice(FINDINGS)
        fate = rng.choice(fates)
        source = rng.choice(list(SourceKind))
        by_enterprise = rng.random() < 0.5
        company = rng.choice(COMPANIES)
        enterprise_code = DEMO_ENTERPRISE_CODE if dept.region.code == "990102" and by_enterprise else ""
        if enterprise_code:
            company = DEMO_COMPANY  # the demo enterprise user's own company (enterprises demo)
        if fate == "overdue":
            deadline = today - dt.timedelta(days=rng.randint(1, 20))
        elif fate in OPEN_FATES:
            deadline = today + dt.timedelta(days=rng.randint(2, 90))
        else:
            deadline = today - dt.timedelta(days=rng.randint(30, 240))
        raised = min(today - dt.timedelta(days=5), deadline - dt.timedelta(days=rng.randint(30, 120)))
        severity = rng.choices(list(Severity), weights=[70, 22, 8])[0]
        nature = Nature.INDIVIDUAL if rng.random() < 0.3 else Nature.COMMON
        p = services.problem_raise(
            actor=None, source_kind=source, source_id=f"DEMO-{i + 1:04d}", source_title=SOURCE_TITLES[source],
            title=title, description=text.format(n=rng.randint(2, 9)), region=dept.region,
            subject_kind=SubjectKind.ENTERPRISE if by_enterprise else SubjectKind.DEPARTMENT,
            subject_id=enterprise_code if by_enterprise else str(dept.pk),
            subject_label=company if by_enterprise else dept.name, enterprise_code=enterprise_code,
            lead_department=dept, responsible_person=rng.choice(["张伟", "王芳", "李强", "刘洋"]) if nature else "",
            category=rng.choices(list(Category), weights=[60, 25, 15])[0], nature=nature, severity=severity,
            domain=rng.choice(["惠企政策", "营商环境", "政务服务", "安全生产"]), measures=measures,
            acceptance_criterion=criterion, raised_on=raised, deadline=deadline)
        _drive(p, fate, rng=rng, today=today)
        made += 1
    # One problem the demo enterprise user (qiye) can answer at once.
    dept = Department.objects.filter(region__code="990102").order_by("pk").first()
    if dept is not None:
        p = services.problem_raise(
            actor=None, source_kind=SourceKind.INSPECTION, source_id="DEMO-QIYE", source_title=SOURCE_TITLES[
                SourceKind.INSPECTION], title="安全生产台账不完整", description="巡查发现企业安全生产教育培训台账缺少近三个月记录",
            region=dept.region, subject_kind=SubjectKind.ENTERPRISE, subject_label=DEMO_COMPANY,
            enterprise_code=DEMO_ENTERPRISE_CODE, lead_department=dept, nature=Nature.INDIVIDUAL,
            responsible_person="冯企业", measures="补齐培训记录,建立月度培训制度", acceptance_criterion="培训台账完整、可追溯",
            raised_on=today - dt.timedelta(days=10), deadline_working_days=20)
        _step(p, "start", today - dt.timedelta(days=8))
        made += 1
    echo(f"问题台账 {made} 条")


def _step(p, action, day, **kw):
    return services.problem_transition(actor=None, problem=p, action=action, today=day, **kw)


def _drive(p, fate, *, rng, today):
    """Walk a problem through the loop to its fate, on plausible dates before today."""
    if fate == "pending":
        return
    span = max(1, (min(p.deadline, today) - p.raised_on).days)
    day = min(today, p.raised_on + dt.timedelta(days=rng.randint(1, 5)))
    _step(p, "start", day)
    if fate in ("rectifying", "overdue"):
        return
    if fate == "appealing":
        _step(p, "appeal", day, note="企业认为问题认定依据不足,申请复核")
        return
    if fate == "postponed":
        if day <= p.deadline:
            _step(p, "postpone", day, new_deadline=p.deadline + dt.timedelta(days=60), note="涉及预算调整,经批准暂缓")
        return
    evidence = [("整改佐证.pdf", f"demo evidence {p.pk}".encode())]
    day = min(today, p.raised_on + dt.timedelta(days=rng.randint(span // 2, span + 10)))
    _step(p, "request_close", day, statement="已按整改措施完成整改,对照验收标准自查达标", evidence=evidence)
    if fate == "close_requested":
        return
    _step(p, "start_recheck", day)
    if fate == "rechecking":
        return
    method = rng.choice(list(RecheckMethod))
    if fate == "failed_recheck":
        _step(p, "recheck_fail", day, method=method, report="现场核查发现整改不到位", note="整改仅停留在文件层面,未见实效")
        return
    _step(p, "recheck_pass", day, method=method, report="经复查,整改措施落实到位,达到验收标准")
    _step(p, "close", day)
    if fate == "closed":
        return
    look = min(today, day + dt.timedelta(days=90))
    _step(p, "lookback_start", look)
    if fate == "consolidated":
        _step(p, "consolidate", look, note="回头看未发现反弹")
    else:
        _step(p, "rebound", look, note="回头看发现同类问题再次出现")
        _step(p, "reopen", look, new_deadline=max(today, look) + dt.timedelta(days=30))
