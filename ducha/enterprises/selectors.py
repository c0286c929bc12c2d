"""Read helpers of the enterprise library; every query starts from ``restrict``."""

import re

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
                                                      "risk", "tag")}
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
