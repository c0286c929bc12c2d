"""Choices of the problem ledger, and the rectification loop as one transition table.

The loop (reference/000 §3, reference/002 §4.3): 待整改 → 整改中 → 申请销号 → 复查中 →
已销号 → 回头看 → 巩固 | 反弹 (→ 整改中 again). 申诉中 and 暂缓 branch off the open
states. Who may make each step is listed beside it; services check only this table.
"""

from dataclasses import dataclass

from django.db import models

from ducha.core.choices import Role


class ProblemStatus(models.TextChoices):
    PENDING = "pending", "待整改"
    RECTIFYING = "rectifying", "整改中"
    CLOSE_REQUESTED = "close_requested", "申请销号"
    RECHECKING = "rechecking", "复查中"
    CLOSED = "closed", "已销号"
    LOOKBACK = "lookback", "回头看"
    CONSOLIDATED = "consolidated", "巩固"
    REBOUND = "rebound", "反弹"
    APPEALING = "appealing", "申诉中"
    POSTPONED = "postponed", "暂缓"
    # Not steps of the loop but ends of a record: an upheld appeal, a merged duplicate.
    WITHDRAWN = "withdrawn", "已撤销"
    MERGED = "merged", "已合并"


S = ProblemStatus
# 销号 and what follows it: the problem counts as rectified.
CLOSED_STATES = frozenset({S.CLOSED, S.LOOKBACK, S.CONSOLIDATED})
# Records that are not problems any more; every number leaves them out.
VOID_STATES = frozenset({S.WITHDRAWN, S.MERGED})
# Still to be rectified: a passed deadline makes these overdue.
OPEN_STATES = frozenset({S.PENDING, S.RECTIFYING, S.CLOSE_REQUESTED, S.RECHECKING, S.REBOUND, S.APPEALING,
                         S.POSTPONED})
# States where the responsible unit still works on the problem (progress reports due).
WORKING_STATES = frozenset({S.PENDING, S.RECTIFYING, S.REBOUND})


class SourceKind(models.TextChoices):
    INSPECTION = "inspection", "巡查"
    EVALUATION = "evaluation", "评估"
    FORWARDING = "forwarding", "转发督导"
    ANALYTICS = "analytics", "分析研判"
    HOTLINE = "hotline", "热线/投诉"
    MANUAL = "manual", "人工录入"


class SubjectKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    DEPARTMENT = "department", "部门"
    POLICY = "policy", "政策"
    REGION = "region", "地区"
    OTHER = "other", "其他"


class Category(models.TextChoices):
    # reference/000 §3.1: 执行偏差类、设计缺陷类、外部变化类
    EXECUTION = "execution", "执行偏差"
    DESIGN = "design", "设计缺陷"
    EXTERNAL = "external", "外部变化"


class Nature(models.TextChoices):
    COMMON = "common", "共性"
    INDIVIDUAL = "individual", "个性"


class Severity(models.TextChoices):
    ORDINARY = "ordinary", "一般"
    SERIOUS = "serious", "较大"
    MAJOR = "major", "重大"


class RecheckMethod(models.TextChoices):
    ONSITE = "onsite", "现场复查"
    DOCUMENT = "document", "资料复查"
    THIRD_PARTY = "third_party", "第三方复查"


class RecheckResult(models.TextChoices):
    PASSED = "passed", "通过"
    FAILED = "failed", "不通过"


SUPERVISE = frozenset({Role.ADMIN, Role.SUPERVISOR})
# The responsible unit answers through its liaison, or the enterprise itself; supervisors
# may act for either (e.g. when a unit reports on paper).
RESPOND = SUPERVISE | {Role.LIAISON, Role.ENTERPRISE}
# 复查 by supervisors, inspectors, or a third-party evaluator (reference/002 §4.3).
CHECK = SUPERVISE | {Role.INSPECTOR, Role.EVALUATOR}
APPEAL_REVIEW = SUPERVISE | {Role.EVALUATOR}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset
    target: str
    roles: frozenset
    style: str = "primary"


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("start", "开始整改", frozenset({S.PENDING}), S.RECTIFYING, RESPOND),
    Transition("request_close", "申请销号", frozenset({S.RECTIFYING}), S.CLOSE_REQUESTED, RESPOND, "success"),
    Transition("start_recheck", "开始复查", frozenset({S.CLOSE_REQUESTED}), S.RECHECKING, CHECK),
    Transition("recheck_pass", "复查通过", frozenset({S.RECHECKING}), S.RECHECKING, CHECK, "success"),
    Transition("recheck_fail", "复查不通过(退回整改)", frozenset({S.RECHECKING}), S.RECTIFYING, CHECK, "danger"),
    Transition("close", "销号", frozenset({S.RECHECKING}), S.CLOSED, SUPERVISE, "success"),
    Transition("lookback_start", "开始回头看", frozenset({S.CLOSED, S.CONSOLIDATED}), S.LOOKBACK, CHECK),
    Transition("consolidate", "回头看:巩固", frozenset({S.LOOKBACK}), S.CONSOLIDATED, CHECK, "success"),
    Transition("rebound", "回头看:反弹", frozenset({S.LOOKBACK}), S.REBOUND, CHECK, "danger"),
    Transition("reopen", "重新整改", frozenset({S.REBOUND}), S.RECTIFYING, SUPERVISE, "warning"),
    Transition("appeal", "提出申诉", frozenset({S.PENDING, S.RECTIFYING}), S.APPEALING, RESPOND, "outline-secondary"),
    # 申诉由第三方机构复核 (reference/002 §2.3.3): an evaluator may decide as well as a supervisor.
    Transition("appeal_reject", "驳回申诉", frozenset({S.APPEALING}), S.RECTIFYING, APPEAL_REVIEW, "warning"),
    Transition("appeal_uphold", "申诉成立(撤销问题)", frozenset({S.APPEALING}), S.WITHDRAWN, APPEAL_REVIEW, "danger"),
    Transition("postpone", "批准暂缓", frozenset({S.PENDING, S.RECTIFYING}), S.POSTPONED, SUPERVISE,
               "outline-secondary"),
    Transition("resume", "恢复整改", frozenset({S.POSTPONED}), S.RECTIFYING, RESPOND),
]}
# recheck_pass keeps the state (复查中) and records the passed re-check that ``close`` requires.
