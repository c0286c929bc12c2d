"""Browser flows in headless Chromium (Playwright): sign-in, region tree, user page with history."""

import pytest

from ducha.conftest import browser_login
from ducha.core import services

pytestmark = pytest.mark.browser


def test_it_signs_in_opens_the_region_tree_and_a_users_history(world, page):
    services.user_update(actor=world.admin, user=world.sup_a1, full_name="赵东城", role="supervisor", region=world.A1)
    browser_login(page, "t_admin")
    assert page.locator("h1").inner_text() == "工作台"

    page.click("text=区划与部门")
    page.wait_for_url("**/core/regions/")
    page.get_by_role("button", name="展开 东川省").click()
    page.get_by_role("button", name="展开 明州市").click()
    page.get_by_role("link", name="东城区").click()
    assert "东城区" in page.locator("h1").inner_text()
    assert page.locator("#history").is_visible()

    page.goto(page.base_url + "/core/users/?q=t_sup_a1")
    page.get_by_role("link", name="t_sup_a1").click()
    history = page.locator("#history")
    assert "user.update" in history.inner_text()
    assert "赵东城" in history.inner_text() and "t_admin" in history.inner_text()


def test_a_wrong_password_shows_a_chinese_message(world, page):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", "t_admin")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.locator(".alert-danger").inner_text()


def test_forms_show_inline_chinese_errors_and_the_phone_layout_works(world, page):
    browser_login(page, "t_admin")
    page.goto(page.base_url + "/core/departments/new/")
    page.locator("main button[type=submit]").click()
    assert "请输入部门名称" in page.locator(".invalid-feedback").first.inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/core/departments/")
    page.click("button[aria-label='菜单']")
    page.locator("#sidebar").get_by_role("link", name="节假日").click()
    page.wait_for_url("**/core/holidays/")
    assert "节假日与工作日" in page.locator("h1").inner_text()
