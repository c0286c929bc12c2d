import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ducha.core.imports import run_import
from ducha.core.models import Notification
from ducha.problems import services
from ducha.problems.choices import ProblemStatus as S
from ducha.problems.choices import Severity
from ducha.problems.importers import ProblemImporter
from ducha.problems.models import Problem, ProblemSource
from ducha.problems.tests.factories import put, raise_problem
from ducha.problems.tick import scan_deadlines

PAGES = ["problems:list", "problems:board", "problems:numbers", "problems:ranking", "problems:weekly",
         "problems:monthly", "problems:special", "problems:create", "problems:import"]


def test_it_renders_every_page_for_a_supervisor(world, client_for):
    p = raise_problem(world, severity=Severity.MAJOR)
    c = client_for(world.sup_a)
    for name in PAGES:
        assert c.get(reverse(name)).status_code == 200, name
    r = c.get(reverse("problems:detail", args=[p.pk]))
    assert r.status_code == 200 and "开始整改" in r.content.decode() and "专题督导组" in r.content.decode()
    assert p.number in c.get(reverse("problems:special")).content.decode()
    assert c.get(reverse("problems:assign", args=[p.pk])).status_code == 200


def test_it_shows_problems_inside_scope_and_404s_outside(world, client_for):
    mine = raise_problem(world)
    other = raise_problem(world, actor=world.sup_p, region=world.B1, lead_department=world.dB,
                          enterprise_code=world.enterprise_code_b, subject_id=world.enterprise_code_b)
    for user, sees, hidden in [(world.sup_a, mine, other), (world.liaison_a, mine, other), (world.ent, mine, other),
                               (world.sup_b1, other, mine), (world.ent_b, other, mine), (world.liaison_b, other, mine)]:
        c = client_for(user)
        assert c.get(reverse("problems:detail", args=[sees.pk])).status_code == 200, user
        assert c.get(reverse("problems:detail", args=[hidden.pk])).status_code == 404, user
        listing = c.get(reverse("problems:list")).content.decode()
        assert sees.number in listing and hidden.number not in listing
        r = c.post(reverse("problems:action", args=[hidden.pk, "start"]), {"start-version": 1})
        assert r.status_code == 404
    assert Problem.objects.get(pk=other.pk).status == S.PENDING


def test_it_lets_an_enterprise_answer_its_own_problem(world, client_for):
    p = raise_problem(world)
    c = client_for(world.ent)
    r = c.post(reverse("problems:action", args=[p.pk, "start"]), {"start-version": 1})
    assert r.status_code == 302
    assert Problem.objects.get(pk=p.pk).status == S.RECTIFYING
    r = c.post(reverse("problems:action", args=[p.pk, "request_close"]),
               {"request_close-version": 2, "request_close-statement": "已整改"}, follow=True)
    assert "佐证材料" in r.content.decode()
    assert Problem.objects.get(pk=p.pk).status == S.RECTIFYING
    assert c.get(reverse("problems:numbers")).status_code == 403


def test_it_tells_a_stale_form_that_the_problem_changed(world, client_for):
    p = put(raise_problem(world), status=S.RECHECKING, recheck_passed=True)
    c = client_for(world.sup_a)
    assert c.post(reverse("problems:action", args=[p.pk, "close"]), {"close-version": 1}).status_code == 302
    r = c.post(reverse("problems:action", args=[p.pk, "close"]), {"close-version": 1}, follow=True)
    assert "该问题已被他人修改,请刷新后重试" in r.content.decode()


def test_it_filters_sorts_and_exports_the_ledger(world, client_for):
    a = raise_problem(world, severity=Severity.MAJOR, title="重大问题甲", deadline=dt.date(2030, 1, 1))
    b = raise_problem(world, title="一般问题乙", deadline=dt.date(2020, 1, 1), raised_on=dt.date(2019, 12, 1))
    c = client_for(world.sup_a)
    body = c.get(reverse("problems:list"), {"severity": "major"}).content.decode()
    assert a.number in body and b.number not in body
    body = c.get(reverse("problems:list"), {"overdue": "1", "sort": "-deadline"}).content.decode()
    assert b.number in body and a.number not in body
    r = c.get(reverse("problems:list"), {"severity": "major", "export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "编号" and len(rows) == 2 and rows[1][0] == a.number
    body = c.get(reverse("problems:list"), {"metric": "overdue", "part": "num"}).content.decode()
    assert b.number in body and a.number not in body


def test_it_bulk_assigns_from_the_list(world, client_for):
    a, b = raise_problem(world), raise_problem(world)
    c = client_for(world.sup_a)
    c.post(reverse("problems:bulk_assign"), {"ids": [a.pk, b.pk], "lead_department": world.dA1.pk,
                                             "responsible_person": "王科长"})
    assert set(Problem.objects.values_list("lead_department", "responsible_person")) == {(world.dA1.pk, "王科长")}
    r = client_for(world.liaison_a).post(reverse("problems:bulk_assign"), {"ids": [a.pk],
                                                                           "lead_department": world.dA.pk})
    assert r.status_code == 403


def test_it_round_trips_the_standard_table(world, client_for):
    raise_problem(world, description="政策宣传不到位", measures="开展宣讲", acceptance_criterion="知晓率达到80%")
    c = client_for(world.sup_a)
    r = c.get(reverse("problems:export_table"))
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.values)
    assert list(rows[0][:5]) == ["问题描述", "责任部门", "整改措施", "完成时限", "验收标准"]
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(list(rows[0]))
    wb.active.append(list(rows[1]))
    wb.active.append(["", "不存在的局", "", "2026-13-01", "", "", "", "奇怪类", "", "", "", "", "", "", ""])
    wb.save(buf)
    report = run_import(ProblemImporter(), buf.getvalue(), "t.xlsx", actor=world.sup_a)
    assert not report.ok
    reasons = {(e.row, e.column) for e in report.row_errors}
    assert {(3, "问题描述"), (3, "责任部门"), (3, "完成时限"), (3, "问题类别")} <= reasons
    assert Problem.objects.count() == 1  # nothing half-written
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append(list(rows[0]))
    wb.active.append(list(rows[1]))
    wb.save(buf)
    report = run_import(ProblemImporter(), buf.getvalue(), "t.xlsx", actor=world.sup_a)
    assert report.ok and report.result["unchanged"] == 1  # re-importing the export duplicates nothing
    Problem.objects.update(deadline=dt.date(2030, 1, 1))
    report = run_import(ProblemImporter(), buf.getvalue(), "t.xlsx", actor=world.sup_a)
    assert report.ok and report.result["created"] == 1, report.as_dict()
    copy = Problem.objects.order_by("-pk").first()
    assert (copy.description, copy.lead_department, copy.acceptance_criterion) == (
        "政策宣传不到位", world.dA, "知晓率达到80%")
    with pytest.raises(PermissionDenied):
        run_import(ProblemImporter(), buf.getvalue(), "t.xlsx", actor=world.liaison_a)


def test_it_warns_once_about_overdue_and_due_soon_problems(world):
    late = raise_problem(world, raised_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 5, 15))
    soon = raise_problem(world, raised_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 5, 21))
    today = dt.date(2026, 5, 20)
    first = scan_deadlines(today=today)
    second = scan_deadlines(today=today)
    assert (first["overdue"], first["due_soon"]) == (1, 1)
    assert (second["overdue"], second["due_soon"], second["progress"]) == (0, 0, 0)
    liaison_notes = Notification.objects.filter(recipient=world.liaison_a)
    assert liaison_notes.filter(title__contains=late.number, title__startswith="问题逾期").count() == 1
    assert liaison_notes.filter(title__contains=soon.number, title__startswith="问题即将到期").count() == 1
    assert Notification.objects.filter(recipient=world.ent, title__contains="逾期").exists()
    assert not Notification.objects.filter(recipient=world.liaison_b).exists()
    # No April progress report by the 5th working day of May (after the Labour Day holiday).
    assert first["progress"] == 6  # 2 problems × (liaison, enterprise user, recorder)


def test_it_starts_a_lookback_when_due(world):
    p = put(raise_problem(world), status=S.CLOSED, recheck_passed=True, closed_on=dt.date(2026, 1, 10),
            due_at=dt.date(2026, 4, 10))
    scan_deadlines(today=dt.date(2026, 4, 10))
    scan_deadlines(today=dt.date(2026, 4, 10))
    p = Problem.objects.get(pk=p.pk)
    assert p.status == S.LOOKBACK and p.lookback_round == 1
    assert p.events.filter(action="lookback_start").count() == 1


def test_it_finds_and_merges_duplicates(world, client_for):
    a = raise_problem(world, description="企业反映研发补助资金超期三个月未拨付到位")
    b = raise_problem(world, source_kind="hotline", source_title="12345热线", description="研发补助资金超期未拨付,企业反映强烈")
    c_ = raise_problem(world, description="窗口办事人员服务态度差")
    client = client_for(world.sup_a)
    body = client.get(reverse("problems:detail", args=[a.pk])).content.decode()
    assert b.number in body and "疑似重复" in body and c_.number not in body.split("疑似重复")[1].split("问题来源")[0]
    client.post(reverse("problems:merge", args=[a.pk]), {"duplicate": b.pk})
    b = Problem.objects.get(pk=b.pk)
    assert b.status == S.MERGED and b.merged_into_id == a.pk
    assert ProblemSource.objects.filter(problem=a).count() == 2
    body = client.get(reverse("problems:detail", args=[a.pk])).content.decode()
    assert f"来自 {b.number}" in body  # the duplicate's timeline stays visible


def test_it_reports_progress(world, client_for):
    p = put(raise_problem(world), status=S.RECTIFYING)
    c = client_for(world.liaison_a)
    c.post(reverse("problems:progress", args=[p.pk]), {"month": "2026-04", "percent": 60, "content": "已拨付六成"})
    assert p.progress_reports.get().percent == 60
    with pytest.raises(Exception):  # noqa: B017 - service refuses reports on a closed problem
        services.problem_report_progress(actor=world.liaison_a, problem=put(p, status=S.CLOSED), content="x")


def test_it_builds_demo_problems_deterministically(db):
    import random

    from ducha.core.demo import DEMO_ENTERPRISE_CODE, build_core
    from ducha.problems.demo import build_problems

    build_core(random.Random(7), echo=lambda *a: None)
    build_problems(rng=random.Random(7), echo=lambda *a: None)
    statuses = set(Problem.objects.values_list("status", flat=True))
    assert Problem.objects.count() == 151
    assert Problem.objects.filter(enterprise_code=DEMO_ENTERPRISE_CODE, status=S.RECTIFYING).exists()
    assert {S.PENDING, S.RECTIFYING, S.CLOSED, S.CONSOLIDATED, S.RECTIFYING} <= statuses
    assert Problem.objects.filter(rebounds__gt=0).exists()


def test_it_reconciles_the_three_lists_of_each_source(world, client_for):
    raise_problem(world, source_title="第一轮巡查")
    raise_problem(world, source_title="第一轮巡查", measures="", lead_department=None)
    done = put(raise_problem(world, source_title="第二轮巡查"), status=S.CLOSED, recheck_passed=True)
    from ducha.problems.selectors import reconciliation

    rows = {r["source_title"]: r for r in reconciliation(world.sup_a)}
    first, second = rows["第一轮巡查"], rows["第二轮巡查"]
    assert (first["problems"], first["tasks"], first["owners"], first["aligned"]) == (2, 1, 1, False)
    assert (second["problems"], second["closed"], second["settled"]) == (1, 1, True)
    c = client_for(world.sup_a)
    assert "三单未对齐" in c.get(reverse("problems:reconcile")).content.decode()
    body = c.get(reverse("problems:list"), {"source_title": "第一轮巡查", "gap": "task"}).content.decode()
    assert body.count("/problems/") and done.number not in body


def test_it_drills_down_from_a_grouped_number(world, client_for):
    a = raise_problem(world, deadline=dt.date(2020, 1, 1), raised_on=dt.date(2019, 12, 1))
    b = raise_problem(world, deadline=dt.date(2020, 1, 1), raised_on=dt.date(2019, 12, 1), region=world.A2)
    c = client_for(world.sup_a)
    body = c.get(reverse("problems:numbers"), {"group": "region"}).content.decode()
    assert f"region_path={world.A2.path}" in body and "西城区" in body  # 明州市's counties
    body = c.get(reverse("problems:list"), {"metric": "overdue", "part": "num", "region_path": world.A2.path}
                 ).content.decode()
    assert b.number in body and a.number not in body


def test_it_notifies_the_department_when_a_problem_is_assigned(world):
    p = raise_problem(world, lead_department=None)
    services.problem_assign(actor=world.sup_a, problem=p, lead_department=world.dA)
    services.problem_assign(actor=world.sup_a, problem=p, lead_department=world.dA)
    assert Notification.objects.filter(recipient=world.liaison_a, title__startswith="新交办问题").count() == 1


def test_it_serves_the_api_in_scope(world, client_for):
    p = raise_problem(world)
    c = client_for(world.liaison_b)
    assert c.get(f"/api/v1/problems/{p.pk}").status_code == 404
    assert c.get("/api/v1/problems/").json() == []
    c = client_for(world.sup_a)
    assert [x["number"] for x in c.get("/api/v1/problems/").json()] == [p.number]
    r = c.post("/api/v1/problems/", {"description": "接口录入的问题", "region_code": "990102", "deadline": "2030-01-01",
                                     "source_kind": "analytics", "source_id": "A-9"}, content_type="application/json")
    assert r.status_code == 201, r.content
    r = c.post("/api/v1/problems/", {"description": "x", "region_code": "990102", "raised_on": "2026-05-01",
                                     "deadline": "2026-04-01"}, content_type="application/json")
    assert r.status_code == 400 and "不能早于发现日期" in r.json()["message"]
    r = c.post(f"/api/v1/problems/{p.pk}/transition", {"action": "start", "version": 1},
               content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "rectifying"
    r = c.post(f"/api/v1/problems/{p.pk}/transition", {"action": "start", "version": 1},
               content_type="application/json")
    assert r.status_code == 409 and r.json()["message"] == "该问题已被他人修改,请刷新后重试"


def test_it_lists_overdue_and_due_soon_problems_in_the_weekly_dispatch(world, client_for):
    late = raise_problem(world, raised_on=dt.date(2019, 1, 1), deadline=dt.date(2019, 2, 1))
    far = raise_problem(world, deadline=dt.date(2035, 1, 1))
    c = client_for(world.sup_a)
    body, missing = c.get(reverse("problems:weekly")).content.decode().split("整改进展月报未报送")
    assert late.number in body and far.number not in body and "明州市发改委" in body
    assert far.number in missing  # being rectified, and no report for last month
    r = c.get(reverse("problems:weekly"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.values)
    assert rows[1][0] == "明州市发改委" and rows[1][2] == late.number
    body = c.get(reverse("problems:numbers"), {"group": "category"}).content.decode()
    assert "按问题类别" in body and "执行偏差" in body


def test_it_saves_and_deletes_ledger_views_per_user(world, client_for):
    from ducha.problems.models import SavedView

    c = client_for(world.sup_a)
    r = c.post(reverse("problems:view_save"), {"name": "重大逾期", "query": "severity=major&overdue=1&page=3"})
    assert r.status_code == 302 and r["Location"].endswith("?severity=major&overdue=1")
    view = SavedView.objects.get()
    assert "重大逾期" in c.get(reverse("problems:list")).content.decode()
    assert "重大逾期" not in client_for(world.sup_p).get(reverse("problems:list")).content.decode()
    assert client_for(world.sup_p).post(reverse("problems:view_delete", args=[view.pk])).status_code == 404
    c.post(reverse("problems:view_delete", args=[view.pk]))
    assert not SavedView.objects.exists()


def test_it_keeps_the_ledger_query_count_flat(world, client_for, django_assert_max_num_queries):
    for _ in range(3):
        raise_problem(world)
    c = client_for(world.sup_a)
    c.get(reverse("problems:list"))
    with django_assert_max_num_queries(20) as few:
        c.get(reverse("problems:list"))
    for _ in range(20):
        raise_problem(world)
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(reverse("problems:list"))


def test_it_escalates_an_overdue_major_problem_to_the_supervisors_above(world):
    p = raise_problem(world, actor=world.inspector_a, severity=Severity.MAJOR, raised_on=dt.date(2026, 3, 1),
                      deadline=dt.date(2026, 4, 1))
    scan_deadlines(today=dt.date(2026, 4, 10))
    told = set(Notification.objects.filter(title__contains=p.number, title__startswith="问题逾期")
               .values_list("recipient__username", flat=True))
    assert {"t_sup_p", "t_sup_a", "t_sup_a1", "t_liaison_a", "t_ent", "t_inspector_a"} <= told
    assert "t_sup_b1" not in told


def test_it_identifies_an_enterprise_subject_by_its_credit_code(world):
    p = raise_problem(world, subject_id="")
    assert p.subject_id == world.enterprise_code


def test_it_answers_bad_input_without_a_server_error(world, client_for):
    p = raise_problem(world)
    c = client_for(world.sup_a)
    gets = [("problems:list", {"sort": "x", "page": "abc", "department": "x", "metric": "nope", "period": "20xx"}),
            ("problems:monthly", {"month": "2026-13"}), ("problems:numbers", {"group": "x", "period": "Q9"}),
            ("problems:ranking", {"period": "abc"}), ("problems:board", {"status": "zzz"})]
    for name, params in gets:
        assert c.get(reverse(name), params).status_code == 200, name
    assert c.post(reverse("problems:action", args=[p.pk, "explode"]), {}).status_code == 403
    r = c.post(reverse("problems:action", args=[p.pk, "postpone"]), {"postpone-version": "x"}, follow=True)
    assert r.status_code == 200 and Problem.objects.get(pk=p.pk).status == S.PENDING
    assert c.post(reverse("problems:merge", args=[p.pk]), {"duplicate": ""}).status_code == 404
    r = c.post(reverse("problems:create"), {"description": "", "region": "999999", "deadline": "2026-02-30"})
    body = r.content.decode()
    assert r.status_code == 200 and "请填写问题描述" in body and "日期格式不正确" in body
    body = c.post(reverse("problems:create"), {"description": ""}).content.decode()
    assert "请填写问题描述" in body and "请填写完成时限,或填写整改期限(工作日)" in body  # all at once
    r = c.post(reverse("problems:create"), {"description": "x", "region": world.A1.pk, "category": "execution",
                                            "nature": "individual", "severity": "ordinary", "source_kind": "manual",
                                            "subject_kind": "other", "raised_on": "2026-05-01",
                                            "deadline": "2026-04-01"})
    body = r.content.decode()
    assert "不能早于发现日期" in body and "个性问题须填写具体责任人" in body
    ev = services._store_evidence(p, [("a.txt", b"x")], actor=None)[0]
    ev.file.storage.delete(ev.file.name)
    assert c.get(reverse("problems:evidence", args=[ev.pk])).status_code == 404
    assert client_for(world.sup_b1).get(reverse("problems:evidence", args=[ev.pk])).status_code == 404


def test_it_puts_problem_cards_on_the_home_page(world, client_for):
    raise_problem(world, severity=Severity.MAJOR, raised_on=dt.date(2019, 1, 1), deadline=dt.date(2019, 2, 1))
    body = client_for(world.sup_a).get("/").content.decode()
    assert "逾期未整改" in body and "重大问题" in body
    assert "待整改问题" in client_for(world.ent).get("/").content.decode()


def test_it_keeps_the_detail_query_count_flat(world, client_for, django_assert_max_num_queries):
    p = put(raise_problem(world), status=S.RECTIFYING)
    c = client_for(world.liaison_a)
    url = reverse("problems:detail", args=[p.pk])
    c.get(url)
    with django_assert_max_num_queries(40) as few:
        c.get(url)
    for month in range(1, 9):
        services.problem_report_progress(actor=world.liaison_a, problem=p, content=f"第{month}月进展", percent=month * 10,
                                         month=f"2026-{month:02d}", evidence=[(f"{month}.jpg", b"x")])
    with django_assert_max_num_queries(len(few.captured_queries)):
        c.get(url)


def test_it_lets_a_cooperating_department_read_but_not_answer(world, client_for):
    p = raise_problem(world, actor=world.sup_p, cooperating_departments=[world.dB])
    c = client_for(world.liaison_b)
    assert c.get(reverse("problems:detail", args=[p.pk])).status_code == 200
    assert p.number in c.get(reverse("problems:list")).content.decode()
    assert c.post(reverse("problems:action", args=[p.pk, "start"]), {"start-version": 1}).status_code == 404
    assert Problem.objects.get(pk=p.pk).status == S.PENDING


def test_it_shows_the_last_appeal_day_and_refuses_a_late_appeal(world, client_for, monkeypatch):
    from ducha.problems import selectors

    p = raise_problem(world, raised_on=dt.date(2026, 2, 11), deadline=dt.date(2026, 4, 30))
    c = client_for(world.ent)
    url = reverse("problems:detail", args=[p.pk])
    for day in (dt.date(2026, 2, 24), dt.date(2026, 2, 26)):
        monkeypatch.setattr(selectors, "today", lambda day=day: day)
        monkeypatch.setattr(services, "_today", lambda day=day: day)
        body = c.get(url).content.decode()
        assert "申诉截止" in body and "2026-02-25" in body and "发现后5个工作日内可提出申诉" in body
        assert ('id="act-appeal"' in body) == (day < dt.date(2026, 2, 25))
        assert ("已过" in body) == (day > dt.date(2026, 2, 25))
    r = c.post(reverse("problems:action", args=[p.pk, "appeal"]), {"appeal-version": 1, "appeal-note": "认定有误"},
               follow=True)
    assert "申诉期限已过:应在发现问题后5个工作日内(至 2026-02-25)提出申诉" in r.content.decode()
    assert Problem.objects.get(pk=p.pk).status == S.PENDING
    body = client_for(world.sup_a).get(reverse("problems:detail", args=[
        put(raise_problem(world), status=S.CLOSED).pk])).content.decode()
    assert "申诉截止" not in body  # only while an appeal is possible at all


def test_it_serves_evidence_to_whoever_may_read_the_problem(world, client_for):
    p = raise_problem(world, actor=world.sup_p, cooperating_departments=[world.dB],
                      evidence=[("现场照片.jpg", b"\xff\xd8 site photo")])
    ev = p.evidence.get()
    url = reverse("problems:evidence", args=[ev.pk])
    # The cooperating department's liaison reads the problem, so it reads its evidence too.
    for user in (world.liaison_b, world.liaison_a, world.sup_a, world.ent, world.leader_p):
        assert client_for(user).get(reverse("problems:detail", args=[p.pk])).status_code == 200, user
        r = client_for(user).get(url)
        assert r.status_code == 200, user
        assert b"".join(r.streaming_content) == b"\xff\xd8 site photo"
    assert "现场照片.jpg" in client_for(world.liaison_b).get(reverse("problems:detail", args=[p.pk])).content.decode()
    # Outside the problem's scope: another county, another enterprise, another department's liaison.
    p.cooperating_departments.clear()
    for user in (world.sup_b1, world.ent_b, world.liaison_b):
        assert client_for(user).get(url).status_code == 404, user
        assert client_for(user).get(reverse("problems:detail", args=[p.pk])).status_code == 404, user


def test_it_shows_the_history_panel_in_chinese(world, client_for):
    p = raise_problem(world)  # 1 April 2026
    services.problem_transition(actor=world.liaison_a, problem=p, action="start", today=dt.date(2026, 4, 2))
    services.problem_transition(actor=world.liaison_a, problem=p, action="appeal", note="认定依据不足",
                                today=dt.date(2026, 4, 3))
    body = client_for(world.sup_a).get(reverse("problems:detail", args=[p.pk])).content.decode()
    history = body.split('id="history"')[1]
    for chinese in ("待整改", "整改中", "申诉中", "执行偏差", "共性", "一般", "巡查", "企业", "明州市发改委", "东城区",
                    "意见/说明", "认定依据不足"):
        assert chinese in history, chinese
    for code in (">pending<", ">rectifying<", ">appealing<", ">execution<", ">common<", ">ordinary<", ">inspection<",
                 ">enterprise<", f">{world.dA.pk}<", f">{world.A1.pk}<", ">note<"):
        assert code not in history, code


def test_it_explains_drill_downs_and_empty_lists_in_words(world, client_for):
    c = client_for(world.sup_a)
    body = c.get(reverse("problems:list")).content.decode()
    assert "台账中还没有问题" in body and reverse("problems:create") in body
    body = c.get(reverse("problems:special")).content.decode()
    assert "目前没有未销号的重大问题" in body and "没有符合条件的记录" not in body  # one hint, not two
    assert "目前没有本企业需要答复的问题" in client_for(world.ent).get(reverse("problems:list")).content.decode()
    raise_problem(world)
    body = c.get(reverse("problems:list"), {"metric": "rectification", "part": "num", "period": "2026Q2"}).content.decode()
    assert "当前为指标明细:整改率 · 分子 · 发现于2026年第2季度" in body
    assert "没有符合筛选条件的问题" in body and "rectification ·" not in body


def test_it_links_the_monthly_close_count_to_the_problems_closed_that_month(world, client_for):
    closed = put(raise_problem(world, raised_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 4, 30)),
                 status=S.CLOSED, recheck_passed=True, closed_on=dt.date(2026, 4, 10), close_days=40)
    other = put(raise_problem(world, raised_on=dt.date(2026, 3, 1), deadline=dt.date(2026, 4, 30)),
                status=S.CLOSED, recheck_passed=True, closed_on=dt.date(2026, 3, 20), close_days=19)
    c = client_for(world.sup_a)
    body = c.get(reverse("problems:monthly"), {"month": "2026-04"}).content.decode()
    assert "?closed=2026-04" in body
    listing = c.get(reverse("problems:list"), {"closed": "2026-04"}).content.decode()
    assert closed.number in listing and other.number not in listing and "销号于2026年4月的问题" in listing
    listing = c.get(reverse("problems:list"), {"closed": "2026-13"}).content.decode()  # not a month: no filter
    assert closed.number in listing and other.number in listing and "销号于" not in listing
    # every rate of a department shows its numerator and denominator
    row = body.split("明州市发改委")[1].split("</tr>")[0]
    assert row.count("100.0% <span") == 3 and row.count("2/2") == 3 and "29.5 天" in row and "59/2" in row


def test_it_ties_equal_units_in_the_ranking_page(world, client_for):
    for dept, region in ((world.dA, world.A), (world.dA1, world.A1)):
        raise_problem(world, actor=world.sup_p, region=region, lead_department=dept, raised_on=dt.date(2026, 4, 1),
                      deadline=dt.date(2026, 5, 1))
    body = client_for(world.sup_p).get(reverse("problems:ranking"), {"period": "2026Q2"}).content.decode()
    assert "前三·表扬" not in body.split("<tbody>")[1] and "后三·约谈" not in body.split("<tbody>")[1]
    assert f"metric=rectification&period=2026Q2&department={world.dA.pk}&part=num" in body


def test_it_drills_down_from_the_unassigned_row_to_the_unassigned_problems(world, client_for):
    assigned = raise_problem(world)
    loose = raise_problem(world, lead_department=None, title="尚未交办的问题")
    c = client_for(world.sup_a)
    body = c.get(reverse("problems:numbers")).content.decode()
    assert "metric=closed_loop&part=den&period=&department=none" in body
    listing = c.get(reverse("problems:list"), {"metric": "closed_loop", "part": "den", "department": "none"})
    assert loose.number in listing.content.decode() and assigned.number not in listing.content.decode()


def test_it_marks_a_step_past_its_due_date_on_the_problem_page(world, client_for):
    late = put(raise_problem(world), status=S.APPEALING, due_at=dt.date(2026, 4, 15))
    body = client_for(world.sup_a).get(reverse("problems:detail", args=[late.pk])).content.decode()
    assert "已超期" in body.split('id="due-at"')[1].split("</dd>")[0]
    done = put(raise_problem(world), status=S.CLOSED, due_at=dt.date(2026, 4, 15))
    body = client_for(world.sup_a).get(reverse("problems:detail", args=[done.pk])).content.decode()
    assert "已超期" not in body.split('id="due-at"')[1].split("</dd>")[0]
