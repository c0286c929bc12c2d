"""Home-page cards of the enterprise library (registered with core.registry.register_home_widget)."""

from django.urls import reverse

from ducha.core.choices import Role
from ducha.core.scope import VIEW
from ducha.enterprises.choices import RiskLevel
from ducha.enterprises.models import Enterprise


def home_cards(user) -> list[dict]:
    qs = Enterprise.objects.restrict(user, VIEW)
    if user.role == Role.ENTERPRISE:
        own = qs.first()
        if own is None:
            return []
        return [{"label": "本企业", "value": own.name, "small": True, "url": reverse("enterprises:detail", args=[own.pk]),
                 "help": "查看本企业信息和政策享受情况"}]
    if not user.is_staff_role:
        return []
    url = reverse("enterprises:list")
    red = qs.filter(risk_level=RiskLevel.RED).count()
    return [
        {"label": "市场主体", "value": qs.count(), "url": url, "help": "辖区内登记的市场主体数量"},
        {"label": "红色风险市场主体", "value": red, "url": f"{url}?risk={RiskLevel.RED}",
         "help": "风险等级为红色的市场主体", "tone": "danger" if red else ""},
    ]
