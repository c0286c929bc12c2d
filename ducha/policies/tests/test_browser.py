"""Browser flow (Playwright + Chromium): import with one bad row → report, nothing written; fix →
import; then find a policy by a Chinese phrase and open it."""

import pytest

from ducha.conftest import browser_login
from ducha.enterprises.models import Enterprise
from ducha.enterprises.tests.factories import code, csv_bytes
from ducha.policies.tests.factories import policy

pytestmark = pytest.mark.browser

HEAD = ["统一社会信用代码", "企业名称", "所属区划代码", "行业门类", "企业规模", "联系电话"]


def test_it_imports_after_fixing_the_bad_row_then_finds_a_policy(world, page):
    policy(n=7, title="关于进一步落实研发费用加计扣除政策的通知",
           points="企业开展研发活动中实际发生的研发费用,按照实际发生额的100%在税前加计扣除")
    policy(n=8, title="关于加强安全生产的通知", points="落实安全生产责任", body="压实企业主体责任。")
    browser_login(page, "t_sup_a")

    page.goto(page.base_url + "/enterprises/")
    page.get_by_role("link", name="导入").click()
    page.wait_for_url("**/enterprises/import/")
    bad = csv_bytes([HEAD, [code(1), "明州鑫达机械有限公司", "990102", "C", "中小微", "13905430001"],
                     [code(2), "明州华信软件有限公司", "990102", "I", "中小微", "12345"]], "gbk")
    page.set_input_files("input[type=file]", files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_role("button", name="上传并导入").click()
    report = page.locator("#import-report")
    assert "导入未执行,未写入任何数据" in report.inner_text()
    row = report.locator("table.row-errors tbody tr").first
    assert "3" in row.inner_text() and "联系电话" in row.inner_text() and "电话号码格式不正确" in row.inner_text()
    assert Enterprise.objects.count() == 0

    good = bad.replace(b"12345", b"13905430002")
    page.set_input_files("input[type=file]", files=[{"name": "企业.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/enterprises/")
    assert "导入成功" in page.locator(".alert-success").inner_text()
    assert page.get_by_role("link", name="明州华信软件有限公司").is_visible()
    assert Enterprise.objects.count() == 2

    page.click("text=政策库")
    page.wait_for_url("**/policies/")
    page.get_by_label("搜索政策").fill("研发费用加计扣除")
    page.get_by_role("button", name="查询").click()
    rows = page.locator("table.policy-list tbody tr")
    assert rows.count() == 1
    assert page.locator("table.policy-list mark").first.inner_text() in ("研发费用", "加计扣除")
    rows.first.get_by_role("link").click()
    assert "研发费用加计扣除" in page.locator("h1").inner_text()
    assert page.locator(".policy-body .policy-point").count() == 1
    assert "明政发〔2025〕7号" in page.locator("main").inner_text()
