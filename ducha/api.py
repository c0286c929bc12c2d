"""The JSON API under /api/v1: session or bearer-token auth, one error shape, same scope as the UI.

Each module contributes a router from its own ``api.py``.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import APIKeyCookie, HttpBearer

from ducha.core import services


class TokenAuth(HttpBearer):
    """Authorization: Bearer dch_…  (tokens are created on the profile page or with the CLI)."""

    openapi_description = "在“个人设置”页面或用 `ducha token create` 生成的接口令牌"

    def authenticate(self, request, token):
        user = services.api_token_user(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session (same login as the web pages); writes need the CSRF token."""

    param_name = "sessionid"

    def __call__(self, request):
        # No session at all: answer "not signed in" rather than ninja's English CSRF failure.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON without \\u escapes, so Chinese text stays readable."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    title="督查平台接口 Ducha API",
    version="1",
    description="政策落实督查平台 JSON 接口。所有接口与网页遵循同一套数据范围规则;错误统一返回 {message, detail}。",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_url="/docs",
    openapi_url="/openapi.json",
)


def _error(request, status: int, message: str, detail=None):
    return api.create_response(request, {"message": message, "detail": detail}, status=status)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "对象不存在或无权访问")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, str(exc) or "当前角色无权进行此操作")


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return _error(request, 400, "输入有误:" + ";".join(exc.messages), detail)


SCHEMA_MESSAGES = {
    "missing": "缺少此项", "int_parsing": "应为整数", "int_type": "应为整数", "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false", "string_type": "应为文本", "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD", "datetime_parsing": "时间格式应为 ISO 8601",
    "json_invalid": "JSON 格式错误", "greater_than_equal": "数值过小", "less_than_equal": "数值过大",
    "string_too_long": "文本过长", "enum": "不是允许的取值", "literal_error": "不是允许的取值",
    "model_attributes_type": "应为 JSON 对象", "dict_type": "应为 JSON 对象", "list_type": "应为列表",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD", "value_error": "取值不正确",
}


@api.exception_handler(NinjaValidationError)
def _schema_invalid(request, exc):
    detail = [{"loc": list(e.get("loc", [])), "msg": SCHEMA_MESSAGES.get(e.get("type", ""), e.get("msg", ""))}
              for e in exc.errors]
    fields = "、".join(str(e["loc"][-1]) for e in detail if e["loc"]) or "请求"
    return _error(request, 422, f"参数格式不正确:{fields}", detail)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "未登录或令牌无效")


HTTP_MESSAGES = {"CSRF check Failed": "CSRF 校验失败:请刷新页面后重试,或改用接口令牌"}


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, HTTP_MESSAGES.get(str(exc), str(exc)))


from ducha.core.api import router as core_router  # noqa: E402

api.add_router("/", core_router)
from ducha.problems.api import router as problems_router  # noqa: E402

api.add_router("/problems", problems_router)
from ducha.enterprises.api import router as enterprises_router  # noqa: E402
from ducha.policies.api import router as policies_router  # noqa: E402

api.add_router("/", enterprises_router)
api.add_router("/", policies_router)
