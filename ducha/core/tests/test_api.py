"""The JSON API: OpenAPI, token and session auth, one error shape in Chinese."""

import json

from django.test import Client

from ducha.core import services


def test_openapi_and_docs_are_served(db):
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/regions" in spec["paths"] and "/api/v1/audit/verify" in spec["paths"]
    assert Client().get("/api/v1/docs").status_code == 200


def test_token_auth_works_and_revoked_tokens_do_not(world):
    token, key = services.api_token_create(actor=world.sup_a, name="报表系统")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert c.get("/api/v1/me").json()["username"] == "t_sup_a"
    services.api_token_revoke(actor=world.sup_a, token=token)
    resp = c.get("/api/v1/me")
    assert resp.status_code == 401 and resp.json() == {"message": "未登录或令牌无效", "detail": None}


def test_writes_through_the_api_are_audited_as_api(world):
    _, key = services.api_token_create(actor=world.admin, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    resp = c.post("/api/v1/departments", data=json.dumps({"name": "东城区统计局", "region_code": "990102"}),
                  content_type="application/json")
    assert resp.status_code == 201, resp.content
    from ducha.core.models import AuditEntry

    entry = AuditEntry.objects.filter(action="department.create").latest("seq")
    assert entry.source == "api" and entry.actor == world.admin


def test_errors_have_one_shape_in_chinese(world, client_for):
    c = client_for(world.admin)
    bad_code = c.post("/api/v1/regions", data=json.dumps({"code": "12AB", "name": "x"}), content_type="application/json")
    assert bad_code.status_code == 400 and "区划代码应为6位" in bad_code.json()["message"]
    missing = c.post("/api/v1/regions", data=json.dumps({"name": "x"}), content_type="application/json")
    assert missing.status_code == 422 and missing.json()["message"].startswith("参数格式不正确")
    bad_date = c.get("/api/v1/workdays/add?date=2026-02-30&n=1")
    assert bad_date.status_code == 422 and set(bad_date.json()) == {"message", "detail"}
    not_json = c.post("/api/v1/regions", data="{not json", content_type="application/json")
    assert not_json.status_code in (400, 422) and "message" in not_json.json()
    forbidden = client_for(world.sup_a).post("/api/v1/users", data=json.dumps(
        {"username": "x", "full_name": "x", "role": "supervisor", "password": "Abcdef@123"}), content_type="application/json")
    assert forbidden.status_code == 403 and forbidden.json()["message"] == "当前角色无权进行此操作"
    assert c.get("/api/v1/regions/999999").json() == {"message": "对象不存在或无权访问", "detail": None}


def test_session_writes_need_the_csrf_token(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.admin)
    resp = c.post("/api/v1/regions", data=json.dumps({"code": "990300", "name": "安平市"}), content_type="application/json")
    assert resp.status_code in (401, 403)


def test_workdays_endpoints(db, client_for, world):
    c = client_for(world.sup_a)
    assert c.get("/api/v1/workdays/add?date=2026-02-12&n=3").json() == {"result": "2026-02-24", "warnings": []}
    assert c.get("/api/v1/workdays/between?a=2026-02-13&b=2026-02-28").json()["result"] == 6
    warned = c.get("/api/v1/workdays/add?date=2031-01-03&n=1").json()
    assert warned["result"] == "2031-01-06" and "2031" in warned["warnings"][0]


def test_audit_verify_endpoint_is_for_administrators(world, client_for):
    assert client_for(world.admin).get("/api/v1/audit/verify").json()["ok"] is True
    assert client_for(world.sup_p).get("/api/v1/audit/verify").status_code == 403


def test_unauthenticated_writes_are_told_to_sign_in_in_chinese(db):
    resp = Client().post("/api/v1/regions", data=json.dumps({"code": "990300", "name": "安平市"}),
                         content_type="application/json")
    assert resp.status_code == 401 and resp.json()["message"] == "未登录或令牌无效"


def test_schema_error_details_are_in_chinese(world, client_for):
    resp = client_for(world.sup_a).get("/api/v1/workdays/add?date=2026-02-12&n=abc")
    assert resp.status_code == 422
    assert {"loc": ["query", "n"], "msg": "应为整数"} in resp.json()["detail"]
