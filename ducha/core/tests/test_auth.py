"""Sign-in: Argon2 hashing, lockout, idle timeout, CSRF, role home pages."""

import time

from django.conf import settings as django_settings
from django.test import Client

from ducha.conftest import PASSWORD
from ducha.core.models import AuditEntry, User


def _login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_production_hashing_is_argon2():
    import ducha.settings as s

    assert s.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_it_signs_in_and_audits_it(world):
    c = Client()
    resp = _login(c, "t_sup_a", PASSWORD)
    assert resp.status_code == 302 and resp["Location"] == "/"
    assert AuditEntry.objects.filter(action="user.login", object_id=str(world.sup_a.pk)).exists()
    home = c.get("/").content.decode()
    assert "工作台" in home and "督查人员" in home


def test_it_says_so_in_chinese_when_the_password_is_wrong(world):
    resp = _login(Client(), "t_sup_a", "wrong-password")
    assert resp.status_code == 200 and "用户名或密码不正确" in resp.content.decode()


def test_it_locks_the_account_after_repeated_failures(world):
    c = Client()
    for _ in range(django_settings.LOGIN_MAX_FAILURES):
        _login(c, "t_sup_a", "wrong")
    resp = _login(c, "t_sup_a", PASSWORD)  # right password, but locked
    assert "已被锁定" in resp.content.decode()
    assert User.objects.get(pk=world.sup_a.pk).locked_until is not None
    # an administrator unlocks it
    admin = Client()
    admin.force_login(world.admin)
    admin.post(f"/core/users/{world.sup_a.pk}/unlock/")
    assert _login(Client(), "t_sup_a", PASSWORD).status_code == 302


def test_it_ends_idle_sessions_and_says_why(world, settings):
    c = Client()
    _login(c, "t_sup_a", PASSWORD)
    session = c.session
    session["_last_seen"] = time.time() - (settings.IDLE_TIMEOUT_MINUTES * 60 + 5)
    session.save()
    resp = c.get("/core/regions/", follow=True)
    body = resp.content.decode()
    assert "会话已过期" in body and "账号登录" in body


def test_it_refuses_a_forged_csrf_token_in_chinese(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.admin)
    resp = c.post("/core/departments/new/", {"name": "伪造局", "region": world.A.pk, "csrfmiddlewaretoken": "forged"})
    assert resp.status_code == 403 and "页面已过期或请求无效" in resp.content.decode()


def test_anonymous_users_are_sent_to_sign_in(db):
    resp = Client().get("/core/regions/")
    assert resp.status_code == 302 and resp["Location"].startswith("/login/")
    assert Client().get("/api/v1/me").json()["message"] == "未登录或令牌无效"


def test_every_role_has_its_own_home_page(world, client_for):
    expected = {
        "admin": ["锁定账号", "今日审计记录", "维护区划"],
        "sup_p": ["辖区区划", "制定督查计划"],
        "liaison_a": ["所属部门", "明州市发改委", "填报本部门"],
        "inspector_a": ["开展巡查"],
        "evaluator_p": ["评估与核查"],
        "leader_p": ["辖区区划", "排名和报告"],
        "ent": [world.enterprise_code, "本企业"],
    }
    for who, texts in expected.items():
        resp = client_for(getattr(world, who)).get("/")
        body = resp.content.decode()
        assert resp.status_code == 200 and "工作台" in body
        for text in texts:
            assert text in body, f"{who}: {text}"
    assert "锁定账号" not in client_for(world.sup_p).get("/").content.decode()


def test_idle_sessions_also_end_for_the_api(world, settings):
    c = Client()
    _login(c, "t_sup_a", PASSWORD)
    assert c.get("/api/v1/me").status_code == 200
    session = c.session
    session["_last_seen"] = time.time() - (settings.IDLE_TIMEOUT_MINUTES * 60 + 5)
    session.save()
    resp = c.get("/api/v1/me")
    assert resp.status_code == 401 and resp.json()["message"] == "未登录或令牌无效"
