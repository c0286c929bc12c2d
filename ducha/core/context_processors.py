"""What every page's shell needs: navigation for the user's role and unread counts."""

from django.urls import reverse

from ducha.core.choices import Role
from ducha.core.nav import navigation_for


def shell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav": navigation_for(user, request.path),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "role_label": Role(user.role).label if user.role in Role.values else user.role,
        "notifications_url": reverse("core:notifications"),
    }
