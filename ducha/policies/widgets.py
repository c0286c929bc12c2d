"""Home-page cards of the policy library (registered with core.registry.register_home_widget)."""

from django.urls import reverse

from ducha.core.scope import VIEW
from ducha.policies.choices import EXPIRING_DAYS, PolicyStatus
from ducha.policies.models import Policy


def home_cards(user) -> list[dict]:
    if not user.is_staff_role:
        return []
    qs = Policy.objects.restrict(user, VIEW)
    url = reverse("policies:list")
    expiring = qs.in_status(PolicyStatus.EXPIRING).count()
    return [
        {"label": "有效政策", "value": qs.in_status(PolicyStatus.ACTIVE).count() + expiring,
         "url": f"{url}?status={PolicyStatus.ACTIVE}", "help": "本级、下级及上级发布的现行有效政策(含即将失效)"},
        {"label": "即将失效政策", "value": expiring, "url": f"{url}?status={PolicyStatus.EXPIRING}",
         "help": f"{EXPIRING_DAYS} 天内失效,需续期或修订", "tone": "danger" if expiring else ""},
    ]
