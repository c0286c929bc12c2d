"""The problem ledger's cards on the home page (core.registry.register_home_widget)."""

from django.db.models import Count, Q
from django.urls import reverse

from ducha.core.choices import Role
from ducha.problems import selectors
from ducha.problems.choices import OPEN_STATES, WORKING_STATES, Severity


def home_cards(user) -> list[dict]:
    today = selectors.today()
    qs = selectors.counted(selectors.problems_for(user).order_by())
    counts = qs.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATES, deadline__lt=today)),
        major=Count("pk", filter=Q(status__in=OPEN_STATES, severity=Severity.MAJOR)),
        todo=Count("pk", filter=Q(status__in=WORKING_STATES)),
    )
    url = reverse("problems:list")
    if not user.is_staff_role or user.role == Role.LIAISON:
        return [
            {"label": "待整改问题", "value": counts["todo"], "url": f"{url}?status=rectifying",
             "help": "本单位待整改、整改中和反弹的问题", "tone": "warning" if counts["todo"] else ""},
            {"label": "逾期问题", "value": counts["overdue"], "url": f"{url}?overdue=1",
             "help": "已过完成时限仍未销号", "tone": "danger" if counts["overdue"] else ""},
        ]
    return [
        {"label": "未销号问题", "value": counts["open"], "url": f"{url}?status=open", "help": "问题台账中尚未销号的问题"},
        {"label": "逾期未整改", "value": counts["overdue"], "url": f"{url}?overdue=1", "help": "已过完成时限仍未销号",
         "tone": "danger" if counts["overdue"] else ""},
        {"label": "重大问题", "value": counts["major"], "url": reverse("problems:special"),
         "help": "专题督导组跟踪的未销号重大问题", "tone": "danger" if counts["major"] else ""},
    ]
