"""Shared test fixtures: a small world of regions, departments and one persona per role.

Personas (STYLE §15): a province supervisor, supervisors in city A, county A1 and
county B1, liaisons of departments in A and B, an inspector, an evaluator, a leader,
an administrator, and two enterprise users.
"""

import os
from types import SimpleNamespace

import pytest
from django.test import Client

from ducha.core import services
from ducha.core.choices import Role
from ducha.core.validators import make_credit_code

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("DUCHA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PASSWORD = "Test@12345"
ENTERPRISE_CODE = make_credit_code("91", "990102", "MA1X0001")
ENTERPRISE_CODE_B = make_credit_code("91", "990202", "MA2Y0002")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 stays the production hasher (tested in test_auth); tests use a fast one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username, role, region, department=None, enterprise_code=""):
    return services.user_create(actor=None, username=username, full_name=username, role=role, region=region,
                                department=department, enterprise_code=enterprise_code, password=PASSWORD)


@pytest.fixture
def world(db):
    """Regions P > A > A1 > A1t, P > A > A2, P > B > B1; departments dA, dA1, dB; all personas."""
    services.regions_import(actor=None, rows=[
        {"code": "990000", "name": "东川省", "parent_code": "", "level": 1},
        {"code": "990100", "name": "明州市", "parent_code": "990000", "level": 2},
        {"code": "990102", "name": "东城区", "parent_code": "990100", "level": 3},
        {"code": "990102001", "name": "城关街道", "parent_code": "990102", "level": 4},
        {"code": "990103", "name": "西城区", "parent_code": "990100", "level": 3},
        {"code": "990200", "name": "清河市", "parent_code": "990000", "level": 2},
        {"code": "990202", "name": "清河区", "parent_code": "990200", "level": 3},
    ])
    from ducha.core.models import Region

    r = {x.code: x for x in Region.objects.all()}
    w = SimpleNamespace(P=r["990000"], A=r["990100"], A1=r["990102"], A1t=r["990102001"], A2=r["990103"],
                        B=r["990200"], B1=r["990202"])
    w.dA = services.department_create(actor=None, name="明州市发改委", region=w.A)
    w.dA1 = services.department_create(actor=None, name="东城区科技局", region=w.A1)
    w.dB = services.department_create(actor=None, name="清河市发改委", region=w.B)
    w.admin = _user("t_admin", Role.ADMIN, w.P)
    w.admin_b = _user("t_admin_b", Role.ADMIN, w.B)
    w.sup_p = _user("t_sup_p", Role.SUPERVISOR, w.P)
    w.sup_a = _user("t_sup_a", Role.SUPERVISOR, w.A)
    w.sup_a1 = _user("t_sup_a1", Role.SUPERVISOR, w.A1)
    w.sup_b1 = _user("t_sup_b1", Role.SUPERVISOR, w.B1)
    w.liaison_a = _user("t_liaison_a", Role.LIAISON, w.A, department=w.dA)
    w.liaison_b = _user("t_liaison_b", Role.LIAISON, w.B, department=w.dB)
    w.inspector_a = _user("t_inspector_a", Role.INSPECTOR, w.A)
    w.evaluator_p = _user("t_evaluator_p", Role.EVALUATOR, w.P)
    w.leader_p = _user("t_leader_p", Role.LEADER, w.P)
    w.leader_b = _user("t_leader_b", Role.LEADER, w.B)
    w.ent = _user("t_ent", Role.ENTERPRISE, w.A1, enterprise_code=ENTERPRISE_CODE)
    w.ent_b = _user("t_ent_b", Role.ENTERPRISE, w.B1, enterprise_code=ENTERPRISE_CODE_B)
    w.enterprise_code, w.enterprise_code_b = ENTERPRISE_CODE, ENTERPRISE_CODE_B
    return w


@pytest.fixture
def client_for(db):
    """client_for(user) -> a Django test client signed in as that user."""

    def make(user):
        c = Client()
        c.force_login(user)
        return c

    return make


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium from Debian's package, driven by Playwright."""
    if not os.path.exists(CHROMIUM):
        if CI:
            pytest.fail(f"Chromium not found at {CHROMIUM} (CI=true: browser tests may not be skipped)")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    yield pg
    context.close()


def browser_login(pg, username, password=PASSWORD):
    pg.goto(pg.base_url + "/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", password)
    pg.click("button[type=submit]")
    pg.wait_for_url(pg.base_url + "/")
