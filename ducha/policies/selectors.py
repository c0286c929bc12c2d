"""Read helpers of the policy library; every query starts from ``restrict``."""

from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ducha.core import search
from ducha.core.models import Department
from ducha.core.scope import VIEW
from ducha.policies.choices import DeliveryMethod, PolicyCategory, PolicyLevel, PolicyStatus
from ducha.policies.models import Policy, PolicyTerm


def policy_queryset(user):
    return Policy.objects.restrict(user, VIEW).select_related("region", "lead_department")


def policy_filter(user, params) -> tuple:
    """(queryset, applied filters, searched?) for the list page, the export and the API."""
    qs = policy_queryset(user)
    f = {k: (params.get(k) or "").strip() for k in ("q", "level", "category", "status", "department", "delivery")}
    if f["level"] in PolicyLevel.values:
        qs = qs.filter(level=f["level"])
    if f["category"] in PolicyCategory.values:
        qs = qs.filter(category=f["category"])
    if f["delivery"] in DeliveryMethod.values:
        qs = qs.filter(delivery_method=f["delivery"])
    if f["status"] in PolicyStatus.values:
        qs = qs.in_status(f["status"])
    if f["department"].isdigit():
        dept = int(f["department"])
        through = Policy.cooperating_departments.through
        qs = qs.filter(Q(lead_department_id=dept)
                       | Q(pk__in=through.objects.filter(department_id=dept).values("policy_id")))
    searched = bool(f["q"]) and bool(search.query_terms(f["q"]))
    if searched:
        qs = search.search(qs, PolicyTerm, f["q"])
    return qs, f, searched


def departments_with_policies(user):
    """Lead departments for the filter menu (one semi-join over the lead-department index)."""
    leads = Policy.objects.values("lead_department_id")
    return Department.objects.filter(pk__in=leads).select_related("region").order_by("region__code", "name")


def body_html(policy: Policy, points: list[str], query: str = "") -> str:
    """The full text as paragraphs with key points (found verbatim) marked and query terms highlighted."""
    text = policy.body or ""
    spans: list[tuple[int, int, int]] = []
    for n, point in enumerate(points, 1):
        pos = text.find(point)
        if pos >= 0 and not any(a < pos + len(point) and pos < b for a, b, _ in spans):
            spans.append((pos, pos + len(point), n))
    spans.sort()
    out, cursor = [], 0

    def plain(piece: str) -> str:
        return str(search.highlight(piece, query)) if query else escape(piece)

    for start, end, n in spans:
        out.append(plain(text[cursor:start]))
        out.append(f'<span class="policy-point" id="point-{n}" title="政策要点 {n}"><sup>{n}</sup>'
                   f"{plain(text[start:end])}</span>")
        cursor = end
    out.append(plain(text[cursor:]))
    html = "".join(out)
    return mark_safe("".join(f"<p>{line}</p>" for line in html.split("\n") if line.strip()))
