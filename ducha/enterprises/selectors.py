"""Read helpers of the enterprise library; every query starts from ``restrict``."""

import re

from django.apps import apps

from ducha.core import search
from ducha.core.models import Region
from ducha.core.scope import VIEW
from ducha.enterprises.choices import DIVISIONS, SECTIONS, CreditGrade, RiskLevel, Scale
from ducha.enterprises.models import Enterprise, EnterpriseTag, EnterpriseTerm

CODE_PREFIX = re.compile(r"^[0-9A-HJ-NP-RTUW-Y]{4,18}$")


def enterprise_queryset(user):
    return Enterprise.objects.restrict(user, VIEW).select_related("region")


def enterprise_filter(user, params) -> tuple:
    """(queryset, applied filters) for the list page, the export and the API."""
    qs = enterprise_queryset(user)
    f = {k: (params.get(k) or "").strip() for k in ("q", "region", "industry", "division", "scale", "credit",
                                                      "risk", "tag", "policy", "list")}
    if f["region"]:
        region = Region.objects.restrict(user, VIEW).filter(code=f["region"]).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if f["industry"] in SECTIONS:
        qs = qs.filter(industry_section=f["industry"])
    if f["division"] in DIVISIONS:
        qs = qs.filter(industry_division=f["division"])
    if f["scale"] in Scale.values:
        qs = qs.filter(scale=f["scale"])
    if f["credit"] in CreditGrade.values:
        qs = qs.filter(credit_grade=f["credit"])
    if f["risk"] in RiskLevel.values:
        qs = qs.filter(risk_level=f["risk"])
    if f["tag"]:
        qs = qs.filter(pk__in=EnterpriseTag.objects.filter(tag=f["tag"]).values("enterprise_id"))
    if f["policy"]:
        qs = _on_policy_list(user, qs, f)
    searched = False
    if f["q"]:
        code = f["q"].upper().replace(" ", "")
        if CODE_PREFIX.match(code) and any(c.isdigit() for c in code):
            # A range on the unique index: LIKE 'prefix%' cannot use it on SQLite (LIKE ignores
            # case there) nor on PostgreSQL outside the C collation. Code characters sort below Z.
            qs = qs.filter(credit_code__range=(code, code + "Z" * (18 - len(code))))
        else:
            qs = search.search(qs, EnterpriseTerm, f["q"])
            searched = True
    return qs, f, searched


def policy_lists():
    """(value, label) of the lists an enterprise can be on for one policy (符合条件/已申报/已享受)."""
    return apps.get_model("policies", "PolicyEnterprise")._meta.get_field("status").choices


def _on_policy_list(user, qs, f: dict):
    """Enterprises on a policy's lists (``?policy=<id>&list=<status>``); the policy must be
    one the user can read. Sets ``f["policy_title"]`` and ``f["policy_id"]`` for the page's banner."""
    policy = None
    if f["policy"].isdigit():
        policy = apps.get_model("policies", "Policy").objects.restrict(user, VIEW).filter(pk=int(f["policy"])).first()
    if policy is None:
        f["policy_title"] = "(政策不存在或不在您的查看范围内)"
        return qs.none()
    f["policy_title"], f["policy_id"] = policy.title, policy.pk
    links = {"policy_links__policy": policy}
    if f["list"] in dict(policy_lists()):
        links["policy_links__status"] = f["list"]
    return qs.filter(**links)
