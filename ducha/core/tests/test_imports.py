"""Region and holiday imports: encodings, all-or-nothing, row reports, bad files."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from ducha.core.dates import DateParseError, parse_date
from ducha.core.importers import HolidayImporter, RegionImporter
from ducha.core.imports import run_import
from ducha.core.models import Holiday, Region
from ducha.core.text import clean_code, clean_text
from ducha.core.validators import credit_code_problem, make_credit_code

CSV = "区划代码,名称,上级区划代码\n990300,安平市,\n990302,安平区,990300\n990302001,城关街道,\n"


def _xlsx(rows, merge=None, formula=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    if formula:
        ws[formula[0]] = formula[1]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_it_reads_csv_in_every_chinese_encoding(world, encoding):
    report = run_import(RegionImporter(), CSV.encode(encoding), "regions.csv", actor=world.admin)
    assert report.ok, report.as_dict()
    assert report.result == {"created": 3, "updated": 0, "rows": 3}
    town = Region.objects.get(code="990302001")
    assert town.parent.code == "990302" and town.path == "/990000/990300/990302/990302001/"


def test_it_reads_xlsx_with_full_width_digits_and_stray_spaces(world):
    data = _xlsx([["区划代码", " 名称 "], ["９９０３００", "  安平市\u3000"]])
    report = run_import(RegionImporter(), data, "r.xlsx", actor=world.admin)
    assert report.ok and Region.objects.get(code="990300").name == "安平市"


def test_reimporting_updates_in_place_and_never_duplicates(world):
    run_import(RegionImporter(), CSV.encode(), "r.csv", actor=world.admin)
    again = run_import(RegionImporter(), CSV.replace("安平区", "安平新区").encode(), "r.csv", actor=world.admin)
    assert again.result == {"created": 0, "updated": 1, "rows": 3}
    assert Region.objects.filter(code="990302").count() == 1


def test_any_bad_row_means_nothing_is_written_and_every_row_is_reported(world):
    before = Region.objects.count()
    bad = "区划代码,名称\n990300,安平市\n99030X,坏代码\n990302,\n990300,重复\n"
    report = run_import(RegionImporter(), bad.encode(), "r.csv", actor=world.admin)
    assert not report.ok
    rows = {(e.row, e.column, e.reason) for e in report.row_errors}
    assert (3, "区划代码", "区划代码应为6位、9位或12位数字") in rows
    assert (4, "名称", "名称不能为空") in rows
    assert (5, "区划代码", "与第 2 行重复") in rows
    assert Region.objects.count() == before
    sheet = openpyxl.load_workbook(io.BytesIO(report.to_xlsx())).active
    assert [c.value for c in sheet[1]] == ["行号", "列", "值", "原因"] and sheet.max_row == 4


def test_an_unknown_parent_region_is_refused(world):
    report = run_import(RegionImporter(), "区划代码,名称\n980101,无主县\n".encode(), "r.csv", actor=world.admin)
    assert not report.ok and "找不到上级区划" in report.file_errors[0]
    assert not Region.objects.filter(code="980101").exists()


@pytest.mark.parametrize("data,name,message", [
    (b"", "r.csv", "文件为空"),
    (b"just some text, not a workbook", "r.xlsx", "不是有效的 xlsx"),
    ("名称\n安平市\n".encode(), "r.csv", "缺少必填列:区划代码"),
    ("区划代码,名称\n".encode(), "r.csv", "没有数据行"),
    (b"\x00\x01\x02binary", "r.csv", "二进制"),
    (b"whatever", "r.pdf", "只支持 xlsx 和 csv"),
    (b"whatever", "r.xls", "不支持旧版 .xls"),
])
def test_bad_files_get_a_file_level_message(world, data, name, message):
    report = run_import(RegionImporter(), data, name, actor=world.admin)
    assert not report.ok and message in " ".join(report.file_errors)


def test_merged_header_cells_and_formulas_are_refused(world):
    merged = _xlsx([["区划代码", None], ["990300", "安平市"]], merge="A1:B1")
    assert "合并单元格" in run_import(RegionImporter(), merged, "r.xlsx", actor=world.admin).file_errors[0]
    formula = _xlsx([["区划代码", "名称"], ["990300", "安平市"], ["990302", "安平区"]],
                    formula=("B3", '=CONCAT("安","平区")'))
    message = run_import(RegionImporter(), formula, "r.xlsx", actor=world.admin).file_errors[0]
    assert "第 3 行 B 列是公式" in message and "粘贴为数值" in message
    assert not Region.objects.filter(code__in=["990300", "990302"]).exists()


def test_a_formula_without_a_cached_value_is_found_too(world):
    # openpyxl writes no cached value, so the cell reader sees an empty cell there.
    data = _xlsx([["区划代码", "名称"], ["990300", "安平市"]], formula=("C9", "=1+2"))
    assert "第 9 行 C 列是公式" in run_import(RegionImporter(), data, "r.xlsx", actor=world.admin).file_errors[0]


def test_a_damaged_xlsx_is_refused(world):
    data = _xlsx([["区划代码", "名称"], ["990300", "安平市"]])
    report = run_import(RegionImporter(), data[: len(data) // 2], "r.xlsx", actor=world.admin)
    assert report.file_errors == ["xlsx 文件已损坏或格式不正确,请用 Excel 打开后另存为 xlsx 再导入"]


def test_a_table_that_does_not_start_in_a1_keeps_its_row_numbers(world):
    def workbook(code):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([])
        ws.append([None, "区划代码", "名称"])
        ws.append([None, 990300, "安平市"])
        ws.append([None, code, "安平区"])
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    report = run_import(RegionImporter(), workbook("99030X"), "r.xlsx", actor=world.admin)
    assert [(e.row, e.column) for e in report.row_errors] == [(4, "区划代码")]
    fixed = run_import(RegionImporter(), workbook("990302"), "r.xlsx", actor=world.admin)
    assert fixed.ok, fixed.as_dict()
    assert Region.objects.get(code="990300").name == "安平市"  # a numeric cell reads as 990300, not 990300.0


def test_oversized_files_are_refused_before_parsing(world, settings):
    settings.DUCHA_MAX_UPLOAD_BYTES = 1024
    report = run_import(RegionImporter(), b"x" * 2048, "r.csv", actor=world.admin)
    assert "文件过大" in report.file_errors[0]


def test_the_upload_limit_does_not_apply_to_files_named_on_the_command_line(world, settings, tmp_path, capsys):
    settings.DUCHA_MAX_UPLOAD_BYTES = 16
    src = tmp_path / "regions.csv"
    src.write_text(CSV, encoding="utf-8")
    call_command("import", "regions", str(src), "--user", "t_admin")
    assert "新增 3" in capsys.readouterr().out


def test_holidays_import_with_chinese_dates_and_kinds(world):
    data = "日期,类型,名称\n2027年2月8日,法定节假日,春节\n2027/2/6,调休,春节调休\n46000,休息,测试\n".encode("gbk")
    report = run_import(HolidayImporter(), data, "h.csv", actor=world.admin)
    assert report.ok, report.as_dict()
    assert Holiday.objects.get(name="春节调休").kind == "workday"
    assert Holiday.objects.filter(date="2025-12-09").exists()  # Excel serial 46000


def test_cli_import_export_round_trip(world, tmp_path, capsys):
    src = tmp_path / "regions.csv"
    src.write_bytes(CSV.encode("gbk"))
    call_command("import", "regions", str(src), "--user", "t_admin")
    out = tmp_path / "out.xlsx"
    call_command("export", "regions", str(out), "--user", "t_admin")
    before = list(Region.objects.order_by("code").values_list("code", "name", "parent__code"))
    call_command("import", "regions", str(out), "--user", "t_admin")
    assert "新增 0,更新 0" in capsys.readouterr().out
    assert list(Region.objects.order_by("code").values_list("code", "name", "parent__code")) == before


def test_cli_import_of_a_bad_file_exits_non_zero_with_the_report(world, tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_text("区划代码,名称\nABC,坏\n", encoding="utf-8")
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit):
        call_command("import", "regions", str(src), "--user", "t_admin", "--report", str(report))
    assert "第 2 行" in capsys.readouterr().err and report.exists()


def test_web_import_shows_the_row_report_and_writes_nothing(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for(world.admin)
    assert "单个文件不超过 40 MB" in c.get("/core/regions/import/").content.decode()
    before = Region.objects.count()
    upload = SimpleUploadedFile("r.csv", "区划代码,名称\n990300,安平市\n12,坏\n".encode("gbk"))
    body = c.post("/core/regions/import/", {"file": upload}).content.decode()
    assert "导入未执行" in body and "区划代码应为6位" in body and Region.objects.count() == before
    assert "发现 1 处问题" in body
    assert c.get("/core/imports/report.xlsx").status_code == 200
    good = SimpleUploadedFile("r.csv", "区划代码,名称\n990300,安平市\n".encode("utf-8-sig"))
    assert c.post("/core/regions/import/", {"file": good}).status_code == 302
    assert Region.objects.filter(code="990300").exists()


def test_large_uploads_run_as_a_background_job(world, client_for, settings, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ducha.core.models import Job

    settings.DUCHA_INLINE_IMPORT_BYTES = 10
    settings.MEDIA_ROOT = str(settings.VAR_DIR / "test-media")
    c = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post("/core/regions/import/", {"file": SimpleUploadedFile("r.csv", CSV.encode())})
    job = Job.objects.get()
    assert resp["Location"] == f"/core/jobs/{job.pk}/"
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["result"]["created"] == 3
    assert "已完成" in c.get(resp["Location"]).content.decode()


@given(st.dates(min_value=__import__("datetime").date(1950, 1, 1), max_value=__import__("datetime").date(2090, 12, 31)))
def test_parse_date_reads_every_common_spelling(day):
    for text in (day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}年{day.month}月{day.day}日",
                 f"{day:%Y%m%d}", f"{day.year}.{day.month}.{day.day}"):
        assert parse_date(text) == day
    assert parse_date((day - __import__("datetime").date(1899, 12, 30)).days) == day


@pytest.mark.parametrize("text", ["2024-02-30", "明天", "2024-13-01", "", "2024年2月"])
def test_parse_date_refuses_non_dates_in_chinese(text):
    with pytest.raises(DateParseError):
        parse_date(text)


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8))
def test_generated_credit_codes_validate_and_any_single_change_is_caught(body):
    code = make_credit_code("91", "990102", body)
    assert credit_code_problem(code) is None
    last = "0" if code[-1] != "0" else "1"
    assert credit_code_problem(code[:-1] + last) is not None


@pytest.mark.parametrize("code,reason", [
    ("91350100M000100Y4", "18位"), ("91350100M000100Y43I", "18位"), ("9135010OM000100Y43", "不允许的字符"),
    ("91350100M000100Y4Z", "不允许的字符"), ("91350100M000100Y44", "校验位"),
])
def test_credit_code_problems_are_named(code, reason):
    assert reason in credit_code_problem(code)


def test_a_known_real_format_credit_code_passes():
    assert credit_code_problem("91350100M000100Y43") is None


def test_text_normalisation():
    assert clean_text("  明州\u3000 市  ") == "明州 市"
    assert clean_code(" ９１３５ 0100Ｍ ") == "913501 00M".replace(" ", "")


def test_departments_import_creates_and_updates_within_scope(world, client_for):
    from ducha.core.importers import DepartmentImporter
    from ducha.core.models import Department

    data = "部门名称,简称,所属区划代码\n明州市统计局,统计局,990100\n明州市发改委,发改委,990100\n".encode("gbk")
    report = run_import(DepartmentImporter(), data, "d.csv", actor=world.admin)
    assert report.ok and report.result == {"created": 1, "updated": 1, "rows": 2}
    assert Department.objects.get(name="明州市发改委").short_name == "发改委"
    outside = run_import(DepartmentImporter(), "部门名称,所属区划代码\n清河市统计局,990200\n".encode(), "d.csv",
                         actor=_admin_of_city_a(world))
    assert not outside.ok and "不在您的管辖范围内" in outside.row_errors[0].reason


def _admin_of_city_a(world):
    from ducha.core import services

    return services.user_create(actor=None, username="t_admin_a", full_name="x", role="admin", region=world.A,
                                password="Abcdef@12345")


def test_users_import_checks_every_row_and_creates_them_all(world):
    from ducha.core.importers import UserImporter
    from ducha.core.models import User

    rows = ("用户名,姓名,角色,所属区划代码,所属部门,企业信用代码,手机号,初始密码\n"
            "u1,张三,督查人员,990102,,,13905431234,Abcdef@12345\n"
            "u2,李四,部门联络员,,明州市发改委,,,Abcdef@12345\n"
            f"u3,王五,企业用户,990102,,{world.enterprise_code},,Abcdef@12345\n")
    bad = rows + "u4,赵六,皇帝,990102,,,,Abcdef@12345\nu5,钱七,督查人员,990102,,,12345,\n"
    report = run_import(UserImporter(), bad.encode("gbk"), "u.csv", actor=world.admin)
    reasons = {(e.row, e.column) for e in report.row_errors}
    assert {(5, "角色"), (6, "手机号"), (6, "初始密码")} <= reasons
    assert not User.objects.filter(username__in=["u1", "u2", "u3"]).exists()
    report = run_import(UserImporter(), rows.encode("gbk"), "u.csv", actor=world.admin)
    assert report.ok, report.as_dict()
    assert User.objects.get(username="u2").region == world.A and User.objects.get(username="u2").department == world.dA
    assert User.objects.get(username="u3").enterprise_code == world.enterprise_code


def test_the_first_sheet_in_workbook_order_is_read_and_checked(world):
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "说明"
    notes["A1"] = "=1+1"  # a formula on a sheet that is not imported
    data_sheet = wb.create_sheet("区划", 0)
    data_sheet.append(["区划代码", "名称"])
    data_sheet.append(["990300", "安平市"])
    buf = io.BytesIO()
    wb.save(buf)
    # As Excel leaves a workbook whose sheets were reordered: the first sheet is stored as
    # sheet2.xml, the notes sheet with its formula as sheet1.xml.
    swap = {"xl/worksheets/sheet1.xml": "xl/worksheets/sheet2.xml", "xl/worksheets/sheet2.xml": "xl/worksheets/sheet1.xml"}
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"sheet1.xml", b"sheetX.xml").replace(b"sheet2.xml", b"sheet1.xml")
                content = content.replace(b"sheetX.xml", b"sheet2.xml")
            dst.writestr(swap.get(item.filename, item.filename), content)
    report = run_import(RegionImporter(), out.getvalue(), "r.xlsx", actor=world.admin)
    assert report.ok, report.as_dict()
    assert Region.objects.filter(code="990300").exists()
