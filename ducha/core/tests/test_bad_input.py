"""Bad input to every form and endpoint of the platform: a Chinese message, nothing written, never a 500."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ducha.core.models import AuditEntry, Department, Region, User

JUNK = ["", " ", "'; DROP TABLE core_region; --", "<script>alert(1)</script>", "９" * 300, "\x00", "2026-02-30",
        "-1", "99999999999999999999", "null", "中文" * 200]


def _counts():
    return Region.objects.count(), Department.objects.count(), User.objects.count()


def test_every_form_survives_junk(world, client_for):
    c = client_for(world.admin)
    forms = {
        "/core/regions/new/": ["code", "name"],
        f"/core/regions/{world.A.pk}/edit/": ["name"],
        "/core/departments/new/": ["name", "short_name", "region"],
        f"/core/departments/{world.dA.pk}/edit/": ["name", "region"],
        "/core/users/new/": ["username", "full_name", "role", "region", "department", "enterprise_code", "phone",
                             "password"],
        f"/core/users/{world.sup_a.pk}/edit/": ["full_name", "role", "region", "phone"],
        f"/core/users/{world.sup_a.pk}/password/": ["password", "password2"],
        "/core/holidays/new/": ["date", "kind", "name"],
        "/core/profile/": ["form", "password", "password2", "name"],
        "/login/": ["username", "password"],
    }
    for url, fields in forms.items():
        for junk in JUNK:
            before = _counts()
            resp = c.post(url, {f: junk for f in fields})
            assert resp.status_code in (200, 302, 400, 403, 404), f"{url} {junk!r} -> {resp.status_code}"
            if resp.status_code == 200 and url != "/core/profile/":
                assert _counts() == before, f"{url} wrote something for {junk!r}"


def test_specific_form_errors_are_inline_and_in_chinese(world, client_for):
    c = client_for(world.admin)
    body = c.post("/core/regions/new/", {"code": "98765", "name": "x"}).content.decode()
    assert "区划代码应为6位、9位或12位数字" in body and "is-invalid" not in body or "invalid-feedback" in body
    body = c.post("/core/regions/new/", {"code": "980101", "name": "无主县"}).content.decode()
    assert "找不到上级区划" in body
    body = c.post("/core/users/new/", {"username": "x1", "full_name": "x", "role": "enterprise", "region": world.A.pk,
                                       "enterprise_code": "91350100M000100Y44", "password": "Abcdef@12345"}).content.decode()
    assert "校验位" in body and not User.objects.filter(username="x1").exists()
    body = c.post("/core/users/new/", {"username": "x2", "full_name": "x", "role": "liaison", "region": world.A.pk,
                                       "password": "Abcdef@12345"}).content.decode()
    assert "部门联络员必须属于一个部门" in body
    body = c.post("/core/users/new/", {"username": "x3", "full_name": "x", "role": "supervisor", "region": world.A.pk,
                                       "phone": "12345", "password": "Abcdef@12345"}).content.decode()
    assert "电话号码格式不正确" in body
    body = c.post("/core/holidays/new/", {"date": "2027-13-01", "kind": "holiday"}).content.decode()
    assert "日期格式不正确" in body


def test_every_get_endpoint_survives_junk_parameters(world, client_for):
    c = client_for(world.admin)
    urls = ["/core/departments/", "/core/users/", "/core/regions/", "/core/holidays/", "/core/audit/", "/core/jobs/",
            "/core/notifications/", "/api/v1/regions", "/api/v1/users", "/api/v1/departments", "/api/v1/holidays",
            "/api/v1/workdays/add", "/api/v1/workdays/between", "/api/v1/notifications"]
    params = ["page", "sort", "per_page", "q", "region", "role", "active", "year", "start", "end", "days", "export",
              "date", "n", "a", "b", "limit", "offset", "status", "verify", "unread", "region_code"]
    for url in urls:
        for junk in ("", "abc", "-5", "2026-02-30", "'\"<>", "9" * 40):
            resp = c.get(url, {p: junk for p in params})
            assert resp.status_code < 500, f"{url} {junk!r} -> {resp.status_code}"


def test_every_api_write_survives_junk(world, client_for):
    c = client_for(world.admin)
    before = AuditEntry.objects.count()
    for method, url in [("post", "/api/v1/regions"), ("patch", f"/api/v1/regions/{world.A.pk}"),
                        ("post", "/api/v1/departments"), ("post", "/api/v1/users"),
                        ("patch", f"/api/v1/users/{world.sup_a.pk}"), ("put", "/api/v1/holidays")]:
        for body in ("", "[]", "{", json.dumps({"code": None, "name": 5}), json.dumps({"date": "x", "kind": "y"}),
                     json.dumps({"role": "emperor", "region_code": "000000"})):
            resp = getattr(c, method)(url, data=body, content_type="application/json")
            assert resp.status_code < 500, f"{method} {url} {body!r} -> {resp.status_code}"
            if resp.status_code >= 400:
                assert "message" in resp.json()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("content,name", [
    (b"", "a.csv"), (b"PK\x03\x04garbage", "a.xlsx"), ("区划代码,名称\n".encode("utf-16"), "a.csv"),
    (b"\xff\xfe\xfd" * 100, "a.csv"), (b"<html></html>", "a.xlsx"),
])
def test_upload_forms_survive_bad_files(world, client_for, content, name):
    c = client_for(world.admin)
    for url in ("/core/regions/import/", "/core/holidays/import/"):
        before = _counts()
        resp = c.post(url, {"file": SimpleUploadedFile(name, content)})
        assert resp.status_code == 200 and _counts() == before
        body = resp.content.decode()
        assert "导入未执行" in body or "文件为空" in body or "请选择" in body


def test_unknown_pages_and_objects_answer_404_in_chinese(world, client_for):
    c = client_for(world.admin)
    for url in ("/nope/", "/core/regions/999999/", "/core/users/abc/", "/core/jobs/999/", "/core/imports/template/nope/"):
        resp = c.get(url)
        assert resp.status_code == 404
    assert "页面不存在" in c.get("/core/regions/999999/").content.decode()
    assert Client().get("/core/imports/report.xlsx").status_code == 302
