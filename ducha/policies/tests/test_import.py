"""Policy import/export: encodings, all-or-nothing, re-import by 文号, round trip."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ducha.core.imports import run_import
from ducha.core.models import AuditEntry
from ducha.enterprises.tests.factories import csv_bytes, read_xlsx, xlsx_bytes
from ducha.policies.importers import HEADERS, PolicyEnterpriseImporter, PolicyImporter
from ducha.policies.models import Policy, PolicyPoint, PolicyTerm

HEAD = ["文号", "标题", "发文机关", "发布日期", "生效日期", "失效日期", "层级", "政策类别", "发文区划代码", "牵头部门",
        "配合部门", "兑现方式", "政策要点", "正文"]


def _row(n, **kw):
    row = {"number": f"明政发〔2025〕{n}号", "title": f"关于支持小微企业发展的若干措施({n})", "issuer": "明州市人民政府",
           "issued": "2025/3/5", "start": "2025年3月5日", "end": "", "level": "市", "category": "金融支持",
           "region": "990100", "lead": "明州市发改委", "coop": "东城区科技局", "delivery": "金融",
           "points": "1. 对小微企业贷款给予贴息\n2. 降低担保费率", "body": "一、对小微企业贷款给予贴息。\n二、降低担保费率。"}
    row.update(kw)
    return list(row.values())


def _import(data, filename, actor):
    return run_import(PolicyImporter(), data, filename, actor=actor)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_imports_csv_in_chinese_encodings(world, encoding):
    report = _import(csv_bytes([HEAD, _row(1), _row(2, end="2027-12-31")], encoding), "政策.csv", world.sup_a)
    assert report.ok, report.as_dict()
    p = Policy.objects.get(doc_number="明政发〔2025〕1号")
    assert str(p.effective_from) == "2025-03-05" and p.level == "city" and p.delivery_method == "finance"
    assert list(p.points.values_list("text", flat=True)) == ["对小微企业贷款给予贴息", "降低担保费率"]
    assert PolicyTerm.objects.filter(policy=p, term="小微企业").exists()


def test_a_bad_row_means_nothing_is_written(world):
    data = csv_bytes([HEAD, _row(1), _row(2, lead="明州市不存在局"), _row(3, level="乡镇"), _row(4, region="990999"),
                      _row(5, start="2025-13-01"), _row(1, title="重复")], "gbk")
    before = AuditEntry.objects.count()
    report = _import(data, "政策.csv", world.sup_a)
    assert not report.ok and Policy.objects.count() == 0 and AuditEntry.objects.count() == before
    errors = {(e.row, e.column): e.reason for e in report.row_errors}
    assert "不存在" in errors[(3, "牵头部门")]
    assert "国家、省、市、县" in errors[(4, "层级")]
    assert "990999 不存在" in errors[(5, "发文区划代码")]
    assert "生效日期" in errors[(6, "生效日期")]
    assert errors[(7, "文号")] == "与第 2 行重复"


def test_it_rejects_a_renamed_text_file(world):
    report = _import("文号,标题\n".encode("gbk"), "政策.xlsx", world.sup_a)
    assert "改了扩展名" in report.file_errors[0] and Policy.objects.count() == 0


def test_reimporting_updates_in_place(world):
    assert _import(xlsx_bytes([HEAD, _row(1), _row(2)]), "政策.xlsx", world.sup_a).ok
    report = _import(xlsx_bytes([HEAD, _row(1, points="只剩一条要点", coop=""), _row(2)]), "政策.xlsx", world.sup_a)
    assert report.result == {"created": 0, "updated": 1, "unchanged": 1, "rows": 2}
    p = Policy.objects.get(doc_number="明政发〔2025〕1号")
    assert list(p.points.values_list("text", flat=True)) == ["只剩一条要点"]
    assert not p.cooperating_departments.exists()
    assert Policy.objects.count() == 2 and PolicyPoint.objects.count() == 3


def test_a_county_cannot_overwrite_a_city_policy(world):
    assert _import(csv_bytes([HEAD, _row(1)]), "政策.csv", world.sup_a).ok
    report = _import(csv_bytes([HEAD, _row(1, region="990102", title="改写")]), "政策.csv", world.sup_a1)
    assert not report.ok and "无权更新" in report.file_errors[0]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips_unchanged(world, client_for, fmt):
    rows = [HEAD, _row(1), _row(2, end="2026-12-31", coop="明州市发改委、东城区科技局", lead="清河市发改委",
                                  region="990000", level="省"), _row(3, points="", body="", coop="")]
    assert _import(xlsx_bytes(rows), "政策.xlsx", world.sup_p).ok
    snapshot = list(Policy.objects.order_by("doc_number").values())
    points = list(PolicyPoint.objects.order_by("policy__doc_number", "seq").values_list("text", flat=True))
    exported = client_for(world.sup_p).get(f"/policies/?export={fmt}").content
    report = _import(exported, f"export.{fmt}", world.sup_p)
    assert report.ok, report.as_dict()
    assert report.result == {"created": 0, "updated": 0, "unchanged": 3, "rows": 3}
    assert list(Policy.objects.order_by("doc_number").values()) == snapshot
    assert list(PolicyPoint.objects.order_by("policy__doc_number", "seq").values_list("text", flat=True)) == points
    if fmt == "xlsx":
        assert read_xlsx(exported)[0] == HEADERS


def test_the_upload_page_reports_then_imports(world, client_for):
    c = client_for(world.sup_a)
    r = c.post("/policies/import/", {"file": SimpleUploadedFile("政策.csv", csv_bytes([HEAD, _row(1, level="?")]))})
    assert "导入未执行" in r.content.decode() and Policy.objects.count() == 0
    r = c.post("/policies/import/", {"file": SimpleUploadedFile("政策.csv", csv_bytes([HEAD, _row(1)], "gbk"))})
    assert r.status_code == 302 and Policy.objects.count() == 1


def test_policy_lists_import_all_or_nothing_and_update_in_place(world, client_for):
    from ducha.enterprises.tests.factories import code, enterprise
    from ducha.policies.models import PolicyEnterprise
    from ducha.policies.tests.factories import policy

    policy(n=1)
    enterprise(n=1)
    enterprise(n=2, region="990202")
    head = ["文号", "统一社会信用代码", "状态"]
    c = client_for(world.sup_a)
    bad = csv_bytes([head, ["明政发〔2025〕1号", code(1), "已申报"], ["明政发〔2025〕1号", code(2, "990202"), "已享受"],
                     ["明政发〔2025〕9号", code(1), "已享受"], ["明政发〔2025〕1号", code(1), "已享受"]], "gbk")
    r = c.post("/policies/enterprises/import/", {"file": SimpleUploadedFile("名单.csv", bad)})
    body = r.content.decode()
    assert "不在您的管辖范围内" in body and "没有这个文号" in body and "重复" in body
    assert not PolicyEnterprise.objects.exists()
    good = csv_bytes([head, ["明政发〔2025〕1号", code(1), "已申报"]])
    assert c.post("/policies/enterprises/import/", {"file": SimpleUploadedFile("名单.csv", good)}).status_code == 302
    again = csv_bytes([head, ["明政发〔2025〕1号", code(1), "已享受"]])
    report = run_import(PolicyEnterpriseImporter(), again, "名单.csv", actor=world.sup_a)
    assert report.result == {"created": 0, "updated": 1, "unchanged": 0, "rows": 1}
    assert PolicyEnterprise.objects.get().status == "enjoyed"
