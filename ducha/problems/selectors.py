"""Reads of the problem ledger: filtered lists, the numbers defined in DESIGN.md, rankings,
the weekly dispatch and monthly supervision views, duplicate candidates.

Every function starts from ``Problem.objects.restrict(user, VIEW)``.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from ducha.core.models import Department, Region
from ducha.core.scope import VIEW
from ducha.problems.choices import CLOSED_STATES, OPEN_STATES, VOID_STATES, Category, Severity
from ducha.problems.models import Problem

# ---------------------------------------------------------------- lists


def problems_for(user):
    """The problems the user may see, ready for a list page."""
    return Problem.objects.restrict(user, VIEW).select_related("region", "lead_department")


@dataclass
class Period:
    """A span of raise dates (inclusive) and the day numbers are computed for."""

    start: dt.date | None
    end: dt.date | None
    label: str
    key: str = ""

    def as_of(self, today: dt.date) -> dt.date:
        return min(today, self.end + dt.timedelta(days=1)) if self.end else today

    def filter(self, qs):
        if self.start:
            qs = qs.filter(raised_on__gte=self.start)
        if self.end:
            qs = qs.filter(raised_on__lte=self.end)
        return qs


def parse_period(value: str | None) -> Period:
    """"2026", "2026Q1", "2026-03" or empty (all time)."""
    value = (value or "").strip().upper()
    try:
        if len(value) == 4 and value.isdigit():
            y = int(value)
            return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年", value)
        if len(value) == 6 and value[4] == "Q" and value[5] in "1234":
            y, q = int(value[:4]), int(value[5])
            start = dt.date(y, 3 * q - 2, 1)
            end = (dt.date(y + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
            return Period(start, end, f"{y}年第{q}季度", value)
        if len(value) == 7 and value[4] == "-":
            y, m = int(value[:4]), int(value[5:])
            start = dt.date(y, m, 1)
            end = dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)
            return Period(start, end, f"{y}年{m}月", value)
    except ValueError:
        pass
    return Period(None, None, "全部时间", "")


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


# ---------------------------------------------------------------- numbers (DESIGN.md "Numbers")

CLOSED = Q(status__in=CLOSED_STATES)


def _due(as_of):
    # A problem is due once its deadline has passed; one already closed counts as due too,
    # so that closing early never lowers a rate.
    return Q(deadline__lt=as_of) | CLOSED


METRIC_DEFS = {
    "rectification": {
        "label": "整改率", "unit": "%",
        "definition": "已销号的问题 ÷ 完成时限已过或已销号的问题",
        "num": lambda as_of: CLOSED, "den": _due,
    },
    "on_time": {
        "label": "按期整改率", "unit": "%",
        "definition": "在完成时限(含批准的延期)之前销号的问题 ÷ 到期的问题(完成时限已过或已销号)",
        "num": lambda as_of: CLOSED & Q(closed_on__lte=F("deadline")), "den": _due,
    },
    "rebound": {
        "label": "反弹率", "unit": "%",
        "definition": "回头看发现反弹的问题 ÷ 已销号并完成回头看的问题",
        "num": lambda as_of: Q(rebounds__gt=0), "den": lambda as_of: Q(lookbacks_done__gt=0),
    },
    "closed_loop": {
        "label": "闭环率", "unit": "%",
        "definition": "复查通过并销号的问题 ÷ 发现的问题(不含已撤销、已合并)",
        "num": lambda as_of: CLOSED & Q(recheck_passed=True), "den": lambda as_of: Q(),
    },
    "overdue": {
        "label": "逾期未整改", "unit": "个",
        "definition": "未销号且完成时限已过的问题数(分母为未销号的问题)",
        "num": lambda as_of: Q(status__in=OPEN_STATES, deadline__lt=as_of),
        "den": lambda as_of: Q(status__in=OPEN_STATES),
    },
    "days_to_close": {
        "label": "平均整改用时", "unit": "天",
        "definition": "已销号问题从发现到销号的自然日之和 ÷ 已销号的问题数",
        "num": lambda as_of: CLOSED, "den": lambda as_of: CLOSED,
    },
}


def counted(qs):
    """Problems every number counts: withdrawn and merged records are not problems."""
    return qs.exclude(status__in=VOID_STATES)


@dataclass
class Metric:
    key: str
    label: str
    unit: str
    definition: str
    numerator: int | float
    denominator: int
    numerator_qs: object = field(repr=False, default=None)
    denominator_qs: object = field(repr=False, default=None)

    @property
    def value(self):
        if self.unit == "个":
            return self.numerator
        if not self.denominator:
            return None
        if self.unit == "%":
            return round(self.numerator * 100 / self.denominator, 1)
        if self.unit == "天":
            return round(self.numerator / self.denominator, 1)
        return self.numerator


def _aggregates(as_of) -> dict:
    """COUNT(… FILTER …) / SUM expressions for every number, for one aggregate query."""
    out = {}
    for key, spec in METRIC_DEFS.items():
        den = spec["den"](as_of)
        out[f"{key}_den"] = Count("pk", filter=den)
        if key == "days_to_close":
            out[f"{key}_num"] = Sum("close_days", filter=den)
        else:
            out[f"{key}_num"] = Count("pk", filter=den & spec["num"](as_of))
    return out


def _metric(key, numerator, denominator, base=None, as_of=None) -> Metric:
    spec = METRIC_DEFS[key]
    num_qs = den_qs = None
    if base is not None:
        den_qs = base.filter(spec["den"](as_of))
        num_qs = den_qs.filter(spec["num"](as_of))
    return Metric(key, spec["label"], spec["unit"], spec["definition"], numerator or 0, denominator or 0,
                  num_qs, den_qs)


def metrics(qs, *, as_of: dt.date) -> dict[str, Metric]:
    """Every number over ``qs`` (already restricted and filtered) in one aggregate query,
    each with the (lazy) querysets of the problems behind its numerator and denominator."""
    base = counted(qs)
    row = base.aggregate(**_aggregates(as_of))
    return {key: _metric(key, row[f"{key}_num"], row[f"{key}_den"], base, as_of) for key in METRIC_DEFS}


def totals_of(groups: list[dict], qs, *, as_of: dt.date) -> dict[str, Metric]:
    """The totals from grouped numbers (every number is a sum of counts over disjoint
    groups), saving a second pass over the ledger on pages that show both."""
    base = counted(qs)
    return {key: _metric(key, sum(g["metrics"][key].numerator for g in groups),
                         sum(g["metrics"][key].denominator for g in groups), base, as_of) for key in METRIC_DEFS}


def metric(key: str, qs, *, as_of: dt.date) -> Metric:
    return metrics(qs, as_of=as_of)[key]


def metric_filter(qs, key: str, part: str, *, as_of: dt.date):
    """The problems behind a number: ``part`` is "num" or "den" (used by the ledger links)."""
    spec = METRIC_DEFS.get(key)
    if spec is None:
        return qs
    qs = counted(qs).filter(spec["den"](as_of))
    return qs.filter(spec["num"](as_of)) if part == "num" else qs


GROUPS = {
    "department": ("lead_department", "责任部门"),
    "region": ("region", "区划"),
    "category": ("category", "问题类别"),
    "severity": ("severity", "严重程度"),
    "source": ("source_kind", "来源"),
}


def region_units(user) -> tuple[int, str]:
    """How long a prefix of ``Region.path`` names one of the regions directly under the
    user's region (cities for a province, counties for a city, townships for a county)."""
    root = user.region_path if getattr(user, "region_id", None) else ""
    depth = root.count("/") - 1 if root else 0
    code_len = 6 if depth < 3 else (9 if depth == 3 else 12)  # 统计用区划代码: 6 digits to county level
    return len(root) + code_len + 1, root


def metrics_by(qs, group: str, *, as_of: dt.date, user=None) -> list[dict]:
    """The numbers per department, region, category… in one grouped query.

    By region the problems roll up to the regions directly under the user's own region
    (problems recorded at the user's own level form a row of their own).
    """
    field_name, _ = GROUPS[group]
    base = counted(qs)
    if group == "region":
        length, _ = region_units(user)
        base = base.annotate(unit=Substr("region__path", 1, length))
        field_name = "unit"
    rows = list(base.values(field_name).annotate(**_aggregates(as_of)).order_by(field_name))
    labels = _group_labels(group, [r[field_name] for r in rows])
    return [{"key": row[field_name], "label": labels.get(row[field_name], row[field_name] or "未指定"),
             "metrics": {key: _metric(key, row[f"{key}_num"], row[f"{key}_den"]) for key in METRIC_DEFS}}
            for row in rows]


def _group_labels(group: str, values) -> dict:
    if group == "department":
        return {d.pk: d.name for d in Department.objects.filter(pk__in=[v for v in values if v])}
    if group == "region":
        return {r.path: r.name for r in Region.objects.filter(path__in=[v for v in values if v])}
    if group == "category":
        return dict(Category.choices)
    if group == "severity":
        return dict(Severity.choices)
    if group == "source":
        from ducha.problems.choices import SourceKind

        return dict(SourceKind.choices)
    return {}


def ranking(qs, *, period: Period, today: dt.date, group: str = "department", user=None) -> list[dict]:
    """Units ranked by 整改率 then 按期整改率 for a quarter; the first and last three are
    marked for commendation and interview (前3名表扬、后3名约谈, reference/002 §2.4.3)."""
    rows = [r for r in metrics_by(period.filter(qs), group, as_of=period.as_of(today), user=user)
            if r["key"] and r["metrics"]["rectification"].denominator]

    def score(r):
        m = r["metrics"]
        return (m["rectification"].value or 0, m["on_time"].value or 0)

    rows.sort(key=lambda r: (tuple(-x for x in score(r)), str(r["label"])))
    k = min(3, len(rows) // 2)
    scores = [score(r) for r in rows]
    for row, mine in zip(rows, scores, strict=True):
        # Equal figures share a rank (1, 1, 3…); a tie is marked only if the whole tie lies in the
        # top or the bottom group, so two units with the same figures are never one praised and
        # one interviewed.
        row["rank"] = 1 + sum(other > mine for other in scores)
        from_bottom = 1 + sum(other < mine for other in scores)
        top, bottom = row["rank"] <= k, from_bottom <= k
        row["mark"] = "top" if top and not bottom else ("bottom" if bottom and not top else "")
    return rows


# ---------------------------------------------------------------- follow-up rhythm


def weekly_dispatch(user, *, today: dt.date, soon_days: int = 7) -> list[dict]:
    """周调度: per responsible department, the overdue problems and those due within a week."""
    qs = problems_for(user).filter(status__in=OPEN_STATES, deadline__lt=today + dt.timedelta(days=soon_days + 1))
    groups: dict = {}
    for p in qs.order_by("lead_department__name", "deadline", "pk"):
        key = p.lead_department_id
        entry = groups.setdefault(key, {"department": p.lead_department, "overdue": [], "soon": []})
        p.days_overdue, p.days_left = (today - p.deadline).days, (p.deadline - today).days
        (entry["overdue"] if p.deadline < today else entry["soon"]).append(p)
    return sorted(groups.values(), key=lambda g: (-len(g["overdue"]), g["department"].name if g["department"] else ""))


def closed_in(qs, period: Period):
    """Problems closed (销号, and not rebounded since) within the period."""
    if not period.start:
        return qs.filter(CLOSED)
    return qs.filter(CLOSED, closed_on__gte=period.start, closed_on__lte=period.end)


def monthly_summary(user, *, month: Period, today: dt.date) -> dict:
    """月督导: what was raised, closed and is overdue in a month, and the numbers per department."""
    qs = problems_for(user)
    as_of = month.as_of(today)
    raised = counted(month.filter(qs))
    closed = closed_in(counted(qs), month)
    overdue = counted(qs).filter(status__in=OPEN_STATES, deadline__lt=as_of)
    by_department = metrics_by(qs, "department", as_of=as_of, user=user)
    return {"period": month, "raised": raised, "closed": closed, "overdue": overdue,
            "major": overdue.filter(severity=Severity.MAJOR),
            "by_department": by_department, "totals": totals_of(by_department, qs, as_of=as_of)}


def reconciliation(user) -> list[dict]:
    """对账销号 (reference/000 §3.1): per source, the problem list against the task list
    (measures and a deadline) and the responsibility list (a lead department, and a named
    person for 个性 problems), item by item; a source is settled when every item is closed."""
    from ducha.problems.choices import Nature

    has_task = ~Q(measures="") & ~Q(acceptance_criterion="")
    has_owner = Q(lead_department__isnull=False) & (Q(nature=Nature.COMMON) | ~Q(responsible_person=""))
    rows = (counted(problems_for(user)).values("source_kind", "source_title")
            .annotate(problems=Count("pk"), tasks=Count("pk", filter=has_task),
                      owners=Count("pk", filter=has_owner), closed=Count("pk", filter=CLOSED))
            .order_by("source_kind", "source_title"))
    from ducha.problems.choices import SourceKind

    labels = dict(SourceKind.choices)
    out = []
    for row in rows:
        row["source_label"] = labels.get(row["source_kind"], row["source_kind"])
        row["aligned"] = row["problems"] == row["tasks"] == row["owners"]
        row["settled"] = row["problems"] == row["closed"]
        out.append(row)
    return out


def special_group(user):
    """专题督导组: every open 重大 problem, most urgent first."""
    return problems_for(user).filter(severity=Severity.MAJOR, status__in=OPEN_STATES).order_by("deadline", "pk")


def progress_overdue(user, *, today: dt.date):
    """Problems being rectified whose unit has not reported progress for last month yet."""
    from ducha.problems.tick import progress_month_due

    month, due = progress_month_due(today)
    if today <= due:
        return problems_for(user).none(), month
    from ducha.problems.choices import WORKING_STATES

    qs = problems_for(user).filter(status__in=WORKING_STATES, raised_on__lt=_month_start(today)).exclude(
        progress_reports__month=month)
    return qs, month


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def today() -> dt.date:
    return timezone.localdate()


# ---------------------------------------------------------------- history panel

# Keys of a problem's audit changes that are not fields of the model.
