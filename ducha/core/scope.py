"""Scope: which rows a user may read or change. The one place this is decided.

Every model that users reach declares a ``ScopeSpec`` saying how its rows relate to
a region (through ``Region.path``), a department, an enterprise (by credit code) or
an owning user. ``Model.objects.restrict(user, action)`` turns the user's role and
place into a filter; views, API endpoints and exports start every query from it,
and single objects are fetched with ``access()`` which answers 404 for missing and
forbidden alike.
"""

from dataclasses import dataclass, field

from django.db import models
from django.db.models import Q
from django.http import Http404

from ducha.core.choices import Role

STAFF_ROLES = frozenset(
    {Role.ADMIN, Role.SUPERVISOR, Role.LIAISON, Role.INSPECTOR, Role.EVALUATOR, Role.LEADER}
)
VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class ScopeSpec:
    """How a model's rows map onto the scope of a user.

    region:     lookup that yields the row's Region.path (subtree by prefix)
    department: lookup that yields the row's department id (liaisons see only theirs)
    enterprise: lookup that yields the row's enterprise credit code (enterprise users)
    owner:      lookup that yields a user id who always sees the row (e.g. notifications)
    """

    region: str | None = None
    department: str | None = None
    enterprise: str | None = None
    owner: str | None = None
    view_roles: frozenset = STAFF_ROLES
    change_roles: frozenset = field(default_factory=lambda: frozenset({Role.ADMIN, Role.SUPERVISOR}))


def scope_filter(spec: ScopeSpec, user, action: str = VIEW) -> Q | None:
    """The Q object selecting what ``user`` may ``action``; None means nothing at all."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    roles = spec.view_roles if action == VIEW else spec.change_roles
    parts: list[Q] = []
    if spec.owner:
        parts.append(Q(**{spec.owner: user.pk}))
    if user.role in roles:
        if user.role == Role.ENTERPRISE:
            if spec.enterprise and user.enterprise_code:
                parts.append(Q(**{spec.enterprise: user.enterprise_code}))
        elif user.role == Role.LIAISON and spec.department:
            if user.department_id:
                parts.append(Q(**{spec.department: user.department_id}))
        elif spec.region and user.region_id:
            parts.append(Q(**{f"{spec.region}__startswith": user.region_path}))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action: str = VIEW):
        spec: ScopeSpec = self.model.scope
        condition = scope_filter(spec, user, action)
        if condition is None:
            return self.none()
        return self.filter(condition)


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def access(queryset_or_model, user, pk, action: str = VIEW):
    """Fetch one object the user may ``action``; 404 whether missing or out of scope."""
    qs = queryset_or_model
    if isinstance(qs, type) and issubclass(qs, models.Model):
        qs = qs.objects.all()
    try:
        return qs.restrict(user, action).get(pk=pk)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或无权访问") from None


def in_scope(obj, user, action: str = CHANGE) -> bool:
    """Re-check after loading (or before writing) that ``obj`` is still within scope.

    ``user=None`` is the system actor (CLI set-up, demo, scheduled scans).
    """
    if user is None:
        return True
    return type(obj).objects.filter(pk=obj.pk).restrict(user, action).exists()
