"""Enterprise import/export: encodings, all-or-nothing, row reports, re-import in place, round trip."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from ducha.core.audit import audit_verify
from ducha.core.imports import run_import
from ducha.core.models import AuditEntry
from ducha.enterprises import services
from ducha.enterprises.importers import HEADERS, EnterpriseImporter, export_enterprises
from ducha.enterprises.models import Enterprise, EnterpriseContact, EnterpriseTerm
from ducha.enterprises.tests.factories import code, csv_bytes, read_xlsx, xlsx_bytes

HEAD = ["统一社会信用代码", "企业名称", "所属区划代码", "行业门类", "行业大类", "企业规模", "信用等级", "风险等级",
        "成立日期", "联系电话", "标签"]


def _row(n, region="990102", **kw):
    row = {"code": code(n, region[:6]), "name": f"明州鑫达机械{n}有限公司", "region": region, "section": "C",
           "division": "34", "scale": "中小微", "grade": "B", "risk": "蓝", "date": "2020/3/5",
           "phone": "13905430001", "tags": "新开办"}
    row.update(kw)
    return list(row.values())


def _import(data, filename, actor):
    return run_import(EnterpriseImporter(), data, filename, actor=actor)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_imports_csv_in_chinese_encodings(world, encoding):
    data = csv_bytes([HEAD, _row(1), _row(2, "990102001", date="2021年4月6日")], encoding)
    report = _import(data, "企业.csv", world.sup_a)
    assert report.ok, report.as_dict()
    assert report.result["created"] == 2
    e = Enterprise.objects.get(credit_code=code(2))
    assert e.region.code == "990102001" and str(e.established_on) == "2021-04-06" and e.tag_list == ["新开办"]
    assert EnterpriseTerm.objects.filter(enterprise=e, term="机械").exists()


def test_a_bad_row_means_nothing_is_written_and_a_row_report(world):
    bad_code = code(3)[:17] + ("0" if code(3)[17] != "0" else "1")
    data = csv_bytes([HEAD, _row(1), _row(2, phone="12345"), _row(3, code=bad_code), _row(4, region="990999"),
                      _row(5, scale="巨型"), _row(6, date="2021-02-30")], "gbk")
    before = AuditEntry.objects.count()
    report = _import(data, "企业.csv", world.sup_a)
    assert not report.ok
    assert Enterprise.objects.count() == 0 and AuditEntry.objects.count() == before
    errors = {(e.row, e.column): e.reason for e in report.row_errors}
    assert "电话号码格式不正确" in errors[(3, "联系电话")]
    assert "校验位" in errors[(4, "统一社会信用代码")]
    assert "990999 不存在" in errors[(5, "所属区划代码")]
    assert "规上" in errors[(6, "企业规模")]
    assert "不存在" in errors[(7, "成立日期")]
    assert report.to_xlsx()[:2] == b"PK"


def test_it_reports_duplicate_rows_and_regions_outside_scope(world):
    data = csv_bytes([HEAD, _row(1), _row(2), _row(1, name="重复的企业")])
    report = _import(data, "企业.csv", world.sup_a)
    assert [(e.row, e.reason) for e in report.row_errors] == [(4, "与第 2 行重复")]
    report = _import(csv_bytes([HEAD, _row(1, region="990202")]), "企业.csv", world.sup_a1)
    assert "不在您的管辖范围内" in report.row_errors[0].reason
    assert Enterprise.objects.count() == 0


def test_it_rejects_a_renamed_text_file_an_empty_file_and_missing_columns(world):
    report = _import("统一社会信用代码,企业名称\n".encode(), "企业.xlsx", world.sup_a)
    assert "改了扩展名" in report.file_errors[0]
    assert "文件为空" in _import(b"", "企业.csv", world.sup_a).file_errors[0]
    report = _import(csv_bytes([["统一社会信用代码", "企业名称"], [code(1), "甲"]]), "企业.csv", world.sup_a)
    assert "缺少必填列" in report.file_errors[0] and "所属区划代码" in report.file_errors[0]
    assert Enterprise.objects.count() == 0


def test_reimporting_updates_in_place_with_one_audit_entry(world):
    assert _import(xlsx_bytes([HEAD, _row(1), _row(2)]), "企业.xlsx", world.sup_a).ok
    before = AuditEntry.objects.count()
    report = _import(xlsx_bytes([HEAD, _row(1, name="明州华信软件有限公司", section="I", division="65"), _row(2),
                                 _row(3)]), "企业.xlsx", world.sup_a)
    assert report.ok and report.result == {"created": 1, "updated": 1, "unchanged": 1, "rows": 3}
    assert Enterprise.objects.count() == 3
    e = Enterprise.objects.get(credit_code=code(1))
    assert e.name == "明州华信软件有限公司" and e.industry_section == "I"
    assert set(EnterpriseTerm.objects.filter(enterprise=e).values_list("term", flat=True)) >= {"软件"}
    assert not EnterpriseTerm.objects.filter(enterprise=e, term="机械").exists()
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.first().action == "enterprise.import"
    assert audit_verify().ok


def test_a_reimport_cannot_take_over_an_enterprise_of_another_region(world):
    assert _import(csv_bytes([HEAD, _row(1, region="990202", code=code(1))]), "企业.csv", world.sup_b1).ok
    report = _import(csv_bytes([HEAD, _row(1, region="990102", code=code(1))]), "企业.csv", world.sup_a1)
    assert not report.ok and "无权更新" in report.file_errors[0]
    assert Enterprise.objects.get().region.code == "990202"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_then_import_round_trips_unchanged(world, client_for, fmt):
    rows = [HEAD, _row(1, tags="新开办、涉企投诉"), _row(2, region="990102001", grade="", risk="", date="", phone="",
                                                   tags="", division=""), _row(3, section="I", division="65")]
    assert _import(xlsx_bytes(rows), "企业.xlsx", world.sup_a).ok
    first = Enterprise.objects.get(credit_code=code(1))
    services.enterprise_contact_add(actor=world.sup_a, enterprise=first, name="王芳", title="财务主管",
                                    phone="13800000000")
    services.enterprise_contact_add(actor=world.sup_a, enterprise=first, name="李强", phone="0543-3161234")
    snapshot = list(Enterprise.objects.order_by("credit_code").values())
    contacts = list(EnterpriseContact.objects.order_by("pk").values_list("enterprise__credit_code", "name", "title",
                                                                         "phone"))
    exported = client_for(world.sup_a).get(f"/enterprises/?export={fmt}").content
    report = _import(exported, f"export.{fmt}", world.sup_a)
    assert report.ok, report.as_dict()
    assert report.result == {"created": 0, "updated": 0, "unchanged": 3, "rows": 3}
    assert list(Enterprise.objects.order_by("credit_code").values()) == snapshot
    if fmt == "xlsx":
        assert read_xlsx(exported)[0] == HEADERS
    # and into an empty library it recreates the same records
    sheet, headers, rows_out = export_enterprises(world.sup_a)
    data = xlsx_bytes([headers, *rows_out])
    Enterprise.objects.all().delete()
    assert _import(data, "again.xlsx", world.sup_a).result["created"] == 3
    fields = [{k: v for k, v in r.items() if k not in ("id", "created_at", "updated_at")}
              for r in Enterprise.objects.order_by("credit_code").values()]
    assert fields == [{k: v for k, v in r.items() if k not in ("id", "created_at", "updated_at")} for r in snapshot]
    assert list(EnterpriseContact.objects.order_by("pk").values_list("enterprise__credit_code", "name", "title",
                                                                     "phone")) == contacts


def test_further_contacts_import_with_checked_phones_and_stay_when_the_column_is_left_out(world):
    head = [*HEAD, "其他联系人"]
    bad = _import(csv_bytes([head, [*_row(1), "王芳(财务主管) 12345;李强 0543-3161234"],
                             [*_row(2), "只有名字"]]), "企业.csv", world.sup_a)
    assert [(e.row, e.column) for e in bad.row_errors] == [(2, "其他联系人"), (3, "其他联系人")]
    assert "格式不正确" in bad.row_errors[0].reason and "姓名(职务) 电话" in bad.row_errors[1].reason
    assert not Enterprise.objects.exists() and not EnterpriseContact.objects.exists()
    ok = _import(csv_bytes([head, [*_row(1), "王芳(财务主管)13800000000;李强 0543-3161234"]]), "企业.csv",
                 world.sup_a)
    assert ok.ok, ok.as_dict()
    e = Enterprise.objects.get()
    assert list(e.contacts.order_by("pk").values_list("name", "title", "phone")) == [
        ("王芳", "财务主管", "13800000000"), ("李强", "", "0543-3161234")]
    # a file without the column changes the enterprise but not its contacts
    again = _import(csv_bytes([HEAD, _row(1, grade="A")]), "企业.csv", world.sup_a)
    assert again.result["updated"] == 1 and e.contacts.count() == 2
    # the column present but empty clears them; changed contacts alone count as an update
    assert _import(csv_bytes([head, [*_row(1, grade="A"), ""]]), "企业.csv", world.sup_a).result["updated"] == 1
    assert e.contacts.count() == 0


def test_the_upload_page_shows_the_report_then_imports(world, client_for):
    c = client_for(world.sup_a)
    bad = csv_bytes([HEAD, _row(1), _row(2, phone="99")], "gbk")
    r = c.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.csv", bad)})
    body = r.content.decode()
    assert r.status_code == 200 and "导入未执行" in body and "电话号码格式不正确" in body
    assert Enterprise.objects.count() == 0
    good = csv_bytes([HEAD, _row(1), _row(2)], "utf-8-sig")
    r = c.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.csv", good)})
    assert r.status_code == 302 and Enterprise.objects.count() == 2
    assert client_for(world.leader_p).get("/enterprises/import/").status_code == 403
    template = c.get("/core/imports/template/enterprises/")
    assert read_xlsx(template.content)[0][0] == "统一社会信用代码*"


def test_the_cli_imports_and_exports(world, tmp_path: Path):
    src = tmp_path / "企业.csv"
    src.write_bytes(csv_bytes([HEAD, _row(1), _row(2)], "gbk"))
    call_command("import", "enterprises", str(src), "--user", "t_admin")
    assert Enterprise.objects.count() == 2
    out = tmp_path / "out.xlsx"
    call_command("export", "enterprises", str(out), "--user", "t_admin")
    assert len(read_xlsx(out.read_bytes())) == 3


def test_a_large_upload_runs_as_a_background_job_with_progress(world, client_for, settings, tmp_path,
                                                               django_capture_on_commit_callbacks):
    from ducha.core.models import Job

    settings.DUCHA_INLINE_IMPORT_BYTES = 10
    settings.MEDIA_ROOT = tmp_path
    c = client_for(world.sup_a)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.csv", csv_bytes([HEAD, _row(1), _row(2)]))})
    job = Job.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/core/jobs/{job.pk}/")
    assert job.status == "succeeded" and job.result["result"]["created"] == 2 and job.percent == 100
    with django_capture_on_commit_callbacks(execute=True):
        c.post("/enterprises/import/", {"file": SimpleUploadedFile("企业.csv", csv_bytes([HEAD, _row(3, phone="1")]))})
    failed = Job.objects.order_by("-pk").first()
    assert failed.status == "failed" and "导入未执行" in failed.error
    assert Enterprise.objects.count() == 2
    assert "电话号码格式不正确" in c.get(f"/core/jobs/{failed.pk}/").content.decode()


def test_apply_reports_progress(world):
    calls = []
    report = run_import(EnterpriseImporter(), csv_bytes([HEAD, _row(1), _row(2)]), "企业.csv", actor=world.sup_a,
                        progress=lambda done, total=0, message="": calls.append((done, total, message)))
    assert report.ok and calls[0][:2] == (2, 2) and calls[-1] == (2, 2, "完成")


def test_formula_cells_and_merged_headers_are_refused_by_file(world):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(_row(1))
    ws["B2"] = "=CONCAT(\"明州\",\"机械\")"
    buf = io.BytesIO()
    wb.save(buf)
    report = _import(buf.getvalue(), "企业.xlsx", world.sup_a)
    assert "第 2 行 B 列是公式" in report.file_errors[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    ws.append(_row(1))
    ws.merge_cells("A1:B1")
    buf = io.BytesIO()
    wb.save(buf)
    assert "合并单元格" in _import(buf.getvalue(), "企业.xlsx", world.sup_a).file_errors[0]
    assert Enterprise.objects.count() == 0


def test_excel_serial_dates_and_full_width_values_are_normalised(world):
    row = _row(1, date=45356, phone="１３９０５４３０００１", scale=" 规上 ")
    row[0] = "".join(chr(ord(c) + 0xFEE0) for c in row[0])
    report = _import(xlsx_bytes([HEAD, row]), "企业.xlsx", world.sup_a)
    assert report.ok, report.as_dict()
    e = Enterprise.objects.get()
    assert str(e.established_on) == "2024-03-05" and e.contact_phone == "13905430001" and e.scale == "above"


def test_tags_follow_imports_and_edits(world, client_for):
    from ducha.enterprises.models import EnterpriseTag

    assert _import(csv_bytes([HEAD, _row(1, tags="新开办"), _row(2, tags="")]), "企业.csv", world.sup_a).ok
    c = client_for(world.sup_a)

    def names(tag):
        return {e.credit_code for e in c.get(f"/enterprises/?tag={tag}").context["page"]}

    assert names("新开办") == {code(1)}
    assert _import(csv_bytes([HEAD, _row(1, tags="涉企投诉"), _row(2, tags="新开办、涉企投诉")]), "企业.csv",
                   world.sup_a).result["updated"] == 2
    assert names("新开办") == {code(2)} and names("涉企投诉") == {code(1), code(2)}
    services.enterprise_set_tags(actor=world.sup_a, enterprise=Enterprise.objects.get(credit_code=code(2)), tags=[])
    assert names("新开办") == set() and EnterpriseTag.objects.count() == 1
