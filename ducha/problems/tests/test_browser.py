"""Browser flow through the whole loop: raise → assign → report progress → request close-out →
re-check fails → fix → re-check passes → close → look-back finds rebound → reopened."""

import pytest
from playwright.sync_api import expect

from ducha.conftest import browser_login
from ducha.problems.choices import TRANSITIONS
from ducha.problems.models import Problem

pytestmark = pytest.mark.browser


def sign_in(page, username):
    page.context.clear_cookies()
    browser_login(page, username)


def act(page, action, files=None, **fields):
    box = page.locator(f"#act-{action}")
    box.locator("summary").click()
    for name, value in fields.items():
        selector = f"#id_{action}-{name}"
        if name == "method":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    if files:
        page.set_input_files(f"#id_{action}-evidence", files=files)
    box.get_by_role("button", name=f"确认{TRANSITIONS[action].label}").click()
    expect(page.locator(".alert-success")).to_contain_text(TRANSITIONS[action].label)


def test_it_runs_the_whole_rectification_loop(world, page):
    photo = [{"name": "整改照片.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8 photo"}]
    sign_in(page, "t_sup_a")
    page.goto(page.base_url + "/problems/")
    page.click("#raise-problem")
    page.fill("#id_description", "企业反映研发补助资金超期三个月未拨付")
    page.select_option("#id_region", str(world.A1.pk))
    page.fill("#id_raised_on", "2026-11-02")
    page.fill("#id_deadline", "2030-06-30")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/problems/*/")
    problem = Problem.objects.get()
    detail = page.url
    expect(page.locator("#problem-status")).to_contain_text("待整改")

    page.click("#assign-link")
    page.select_option("#id_lead_department", str(world.dA.pk))
    page.fill("#id_responsible_person", "张科长")
    page.fill("#id_acceptance_criterion", "补助资金全部拨付到位")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#lead-department")).to_contain_text("明州市发改委")

    sign_in(page, "t_liaison_a")
    page.goto(detail)
    act(page, "start")
    page.fill("#id_content", "已拨付六成资金")
    page.fill("#id_percent", "60")
    page.locator("#progress-form").get_by_role("button", name="报送").click()
    expect(page.locator("#timeline")).to_contain_text("已拨付六成资金")
    act(page, "request_close", files=photo, statement="资金已全部拨付")

    sign_in(page, "t_inspector_a")
    page.goto(detail)
    act(page, "start_recheck")
    act(page, "recheck_fail", method="document", report="凭证不全", note="仍有一笔未拨付")
    expect(page.locator("#problem-status")).to_contain_text("整改中")

    sign_in(page, "t_liaison_a")
    page.goto(detail)
    act(page, "request_close", files=photo, statement="最后一笔已拨付,附银行回单")

    sign_in(page, "t_inspector_a")
    page.goto(detail)
    act(page, "start_recheck")
    act(page, "recheck_pass", method="onsite", report="现场核验回单,全部到位")

    sign_in(page, "t_sup_a")
    page.goto(detail)
    act(page, "close")
    expect(page.locator("#problem-status")).to_contain_text("已销号")
    act(page, "lookback_start")
    act(page, "rebound", note="回头看发现新的拖欠")
    expect(page.locator("#problem-status")).to_contain_text("反弹")
    act(page, "reopen", new_deadline="2030-12-31")
    expect(page.locator("#problem-status")).to_contain_text("整改中")

    problem.refresh_from_db()
    assert (problem.status, problem.rebounds, problem.lookbacks_done) == ("rectifying", 1, 1)
    assert problem.evidence.count() == 2
    assert list(problem.rechecks.values_list("result", flat=True)) == ["failed", "passed"]
