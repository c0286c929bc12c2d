"""The navigation: one list of modules; each module app adds its entries here.

Entries whose ``url_name`` does not exist yet are shown as "建设中" so the shell has a
place for every module from the start.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from ducha.core.choices import Role
from ducha.core.scope import STAFF_ROLES

ALL = frozenset(Role.values)
STAFF = STAFF_ROLES
MANAGERS = frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER})


@dataclass(frozen=True)
class NavItem:
    label: str
    icon: str
    url_name: str
    roles: frozenset
    group: str


NAV: list[NavItem] = [
    NavItem("工作台", "house", "home", ALL, "总览"),
    NavItem("政策库", "journal-text", "policies:list", STAFF, "计划"),
    NavItem("市场主体库", "buildings", "enterprises:list", STAFF, "计划"),
    NavItem("转发督导", "diagram-3", "forwarding:list", STAFF, "执行"),
    NavItem("评估(三评三率)", "clipboard-data", "evaluation:list", STAFF, "检查"),
    NavItem("巡查", "search", "inspections:list", STAFF, "检查"),
    NavItem("问题台账", "list-check", "problems:list", ALL, "整改"),
    NavItem("分析研判", "graph-up", "analytics:home", MANAGERS, "分析"),
    NavItem("报告与排名", "file-earmark-bar-graph", "reports:home", MANAGERS, "分析"),
    NavItem("区划与部门", "diagram-2", "core:regions", STAFF, "系统"),
    NavItem("用户管理", "people", "core:users", frozenset({Role.ADMIN}), "系统"),
    NavItem("节假日", "calendar3", "core:holidays", STAFF, "系统"),
    NavItem("后台任务", "hourglass-split", "core:jobs", frozenset({Role.ADMIN, Role.SUPERVISOR}), "系统"),
    NavItem("审计日志", "shield-check", "core:audit", frozenset({Role.ADMIN}), "系统"),
]


def navigation_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV:
        if user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            url = None
        active = bool(url) and (current_path == url or (url != "/" and current_path.startswith(url)))
        items.append({"label": item.label, "icon": item.icon, "url": url, "group": item.group, "active": active})
    return items
