"""Every list, detail and write endpoint of the platform, by a user inside and outside scope.

Outside must get 403/404 (or an empty list) and never a byte of the object's data.
The objects are in county A1 (东城区); "outside" users sit in city B or are enterprise
users, and an administrator of city B is outside for writes.
"""

import json

import pytest

SECRET = {"region": "东城区", "department": "东城区科技局", "user": "t_sup_a1"}


def _targets(w):
    r, d, u = w.A1.pk, w.dA1.pk, w.sup_a1.pk
    return [
        # (method, url, body, kind of secret, inside user attr, outside user attrs)
        ("get", f"/core/regions/{r}/", None, "region", "sup_a", ["sup_b1", "liaison_b", "ent_b", "leader_b"]),
        ("get", f"/core/regions/{r}/children/", None, "region", "sup_a", ["sup_b1", "ent_b"]),
        ("get", f"/core/departments/{d}/", None, "department", "sup_a", ["sup_b1", "liaison_b", "ent_b", "liaison_a"]),
        ("get", f"/core/users/{u}/", None, "user", "admin", ["admin_b", "sup_b1", "ent_b", "liaison_b"]),
        ("get", f"/core/regions/{r}/edit/", None, "region", "admin", ["admin_b", "sup_a", "ent_b"]),
        ("post", f"/core/regions/{r}/edit/", {"name": "改名区"}, "region", "admin", ["admin_b", "sup_a", "ent_b"]),
        ("get", f"/core/departments/{d}/edit/", None, "department", "admin", ["admin_b", "sup_a"]),
        ("post", f"/core/departments/{d}/edit/", {"name": "新名局", "region": r}, "department", "admin", ["admin_b", "sup_a"]),
        ("get", f"/core/users/{u}/edit/", None, "user", "admin", ["admin_b", "sup_a"]),
        ("post", f"/core/users/{u}/edit/", {"full_name": "x", "role": "supervisor", "region": r}, "user", "admin",
         ["admin_b", "sup_a"]),
        ("post", f"/core/users/{u}/password/", {"password": "Newpass@123", "password2": "Newpass@123"}, "user", "admin",
         ["admin_b", "sup_a"]),
        ("post", f"/core/users/{u}/unlock/", {}, "user", "admin", ["admin_b", "sup_a"]),
        ("get", f"/api/v1/regions/{r}", None, "region", "sup_a", ["sup_b1", "ent_b", "leader_b"]),
        ("get", f"/api/v1/departments/{d}", None, "department", "sup_a", ["sup_b1", "liaison_a", "ent_b"]),
        ("get", f"/api/v1/users/{u}", None, "user", "admin", ["admin_b", "sup_b1", "ent_b"]),
        ("patch", f"/api/v1/regions/{r}", {"name": "改名区"}, "region", "admin", ["admin_b", "sup_a"]),
        ("patch", f"/api/v1/users/{u}", {"full_name": "x"}, "user", "admin", ["admin_b", "sup_a"]),
        ("get", f"/api/v1/audit/history/core.department/{d}", None, "department", "sup_a", ["sup_b1", "ent_b"]),
    ]


def _call(client, method, url, body):
    if url.startswith("/api/") and method != "get":
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(url, body)
    return client.get(url)


def test_it_denies_every_endpoint_outside_scope_without_leaking(world, client_for):
    checked = 0
    for method, url, body, kind, _inside, outsiders in _targets(world):
        for who in outsiders:
            resp = _call(client_for(getattr(world, who)), method, url, body)
            assert resp.status_code in (403, 404), f"{who} {method} {url} -> {resp.status_code}"
            content = resp.content.decode()
            assert SECRET[kind] not in content, f"{who} {method} {url} leaked {SECRET[kind]}"
            checked += 1
    assert checked > 40


def test_it_allows_every_endpoint_inside_scope(world, client_for):
    for method, url, body, _kind, inside, _ in _targets(world):
        resp = _call(client_for(getattr(world, inside)), method, url, body)
        assert resp.status_code in (200, 302), f"{inside} {method} {url} -> {resp.status_code}: {resp.content[:300]}"


@pytest.mark.parametrize("url,secret", [
    ("/core/departments/", "东城区科技局"),
    ("/core/departments/?export=xlsx", None),
    ("/api/v1/departments", "东城区科技局"),
    ("/api/v1/regions", "东城区"),
    ("/core/regions/?q=东城", "东城区"),
])
def test_lists_show_only_what_is_in_scope(world, client_for, url, secret):
    outside = client_for(world.sup_b1)
    inside = client_for(world.sup_a)
    out_body, in_body = outside.get(url), inside.get(url)
    assert in_body.status_code == 200 and out_body.status_code == 200
    if secret:
        assert secret in in_body.content.decode()
        assert secret not in out_body.content.decode()
    else:
        assert len(in_body.content) > len(out_body.content) - 100


def test_enterprise_users_and_liaisons_see_only_their_own(world, client_for):
    ent = client_for(world.ent)
    assert ent.get("/api/v1/regions").json() == []
    assert ent.get("/core/regions/").status_code == 403
    liaison = client_for(world.liaison_a)
    names = [d["name"] for d in liaison.get("/api/v1/departments").json()]
    assert names == ["明州市发改委"]
    users = liaison.get("/api/v1/users").json()
    assert [u["username"] for u in users] == ["t_liaison_a"]


def test_user_admin_pages_need_the_admin_role(world, client_for):
    for who in ("sup_p", "leader_p", "liaison_a", "ent_b", "inspector_a"):
        assert client_for(getattr(world, who)).get("/core/users/").status_code == 403
        assert client_for(getattr(world, who)).get("/core/audit/").status_code == 403
    assert client_for(world.admin).get("/core/users/").status_code == 200


def test_owner_scoped_records_stay_with_their_owner(world, client_for):
    from ducha.core import services
    from ducha.core.jobs import job_create
    from ducha.core.models import Notification

    note = services.notification_send(recipient=world.sup_a, title="东城区整改逾期提醒")
    job = job_create(actor=world.sup_a, kind="import", label="导入东城区企业", params={})
    token, _ = services.api_token_create(actor=world.sup_a, name="东城区报表")
    other = client_for(world.sup_b1)
    assert "东城区整改逾期提醒" not in other.get("/core/notifications/").content.decode()
    assert other.get("/api/v1/notifications").json() == []
    assert other.get(f"/core/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert "东城区报表" not in other.get("/core/profile/").content.decode()
    # marking "all" read as someone else touches nothing of sup_a's
    other.post("/core/notifications/")
    assert Notification.objects.get(pk=note.pk).read_at is None
    # revoking someone else's token is refused
    assert other.post("/core/profile/", {"form": "revoke", "token": token.pk}).status_code == 404
    owner = client_for(world.sup_a)
    assert "东城区整改逾期提醒" in owner.get("/core/notifications/").content.decode()
    assert owner.get(f"/api/v1/jobs/{job.pk}").json()["label"] == "导入东城区企业"
