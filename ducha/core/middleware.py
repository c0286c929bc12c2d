"""Request-level machinery: idle session timeout and the audit request source."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from ducha.core.choices import AuditSource
from ducha.core.context import reset_source, set_source

IDLE_KEY = "_last_seen"


class IdleTimeoutMiddleware:
    """Sign a user out after DUCHA_IDLE_MINUTES without a request, and say why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(IDLE_KEY)
            if last is not None and now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered 401 by the API's own auth
                messages.warning(request, f"由于超过 {settings.IDLE_TIMEOUT_MINUTES} 分钟未操作,会话已过期,请重新登录。")
                login_url = reverse("login")
                if request.headers.get("HX-Request"):
                    response = redirect(login_url)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(f"{login_url}?next={request.path}")
            request.session[IDLE_KEY] = now
        return self.get_response(request)


def client_ip(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


class RequestSourceMiddleware:
    """Tell the audit trail that writes in this request come from the web (or the API)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = AuditSource.API if request.path.startswith("/api/") else AuditSource.WEB
        token = set_source(kind, f"{client_ip(request)} {request.method} {request.path}")
        try:
            return self.get_response(request)
        finally:
            reset_source(token)
