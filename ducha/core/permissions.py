"""Capabilities that are not about a particular row: who may manage users, import, etc."""

from django.core.exceptions import PermissionDenied

from ducha.core.choices import Role

CAPABILITIES: dict[str, frozenset] = {
    "users.manage": frozenset({Role.ADMIN}),
    "regions.manage": frozenset({Role.ADMIN}),
    "holidays.manage": frozenset({Role.ADMIN}),
    "audit.view_all": frozenset({Role.ADMIN}),
    "imports.run": frozenset({Role.ADMIN, Role.SUPERVISOR}),
    "jobs.view_all": frozenset({Role.ADMIN}),
}


def can(user, capability: str) -> bool:
    """``user=None`` is the system itself (CLI set-up, demo, scheduled scans): always allowed."""
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def require(user, capability: str) -> None:
    if not can(user, capability):
        raise PermissionDenied("当前角色无权进行此操作")
