"""The JSON API of the problem ledger, through HTTP as a client would call it."""

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from ducha.core.models import AuditEntry
from ducha.problems.choices import ProblemStatus as S
from ducha.problems.models import Evidence, Problem, ProblemEvent
from ducha.problems.tests.factories import put, raise_problem

PHOTO = b"\xff\xd8 rectified site photo"


def _request_close(c, p, *, version=None, statement="资金已全部拨付,建立台账按月核对", files=("整改照片.jpg",),
                   data=PHOTO):
    body = {"version": p.version if version is None else version, "statement": statement}
    if files:
        body["evidence"] = [SimpleUploadedFile(name, data) for name in files]
    return c.post(f"/api/v1/problems/{p.pk}/request-close", body)


def _unchanged(p):
    fresh = Problem.objects.get(pk=p.pk)
    return (fresh.status == p.status and fresh.version == p.version and not Evidence.objects.filter(problem=p).exists()
            and not ProblemEvent.objects.filter(problem=p, action="request_close").exists()
            and not AuditEntry.objects.filter(action="problem.request_close", object_id=str(p.pk)).exists())


def test_it_requests_close_out_with_evidence_through_the_api(world, client_for):
    p = put(raise_problem(world), status=S.RECTIFYING)
    r = _request_close(client_for(world.liaison_a), p, files=("整改照片.jpg", "拨付凭证.pdf"))
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "close_requested" and r.json()["status_label"] == "申请销号"
    stored = list(Evidence.objects.filter(problem=p).order_by("name"))
    assert [e.name for e in stored] == ["拨付凭证.pdf", "整改照片.jpg"]
    assert {e.sha256 for e in stored} == {hashlib.sha256(PHOTO).hexdigest()}
    event = ProblemEvent.objects.get(problem=p, action="request_close")
    assert event.data["statement"] == "资金已全部拨付,建立台账按月核对" and event.evidence.count() == 2
    assert AuditEntry.objects.filter(action="problem.request_close", object_id=str(p.pk)).count() == 1


def test_it_lets_an_enterprise_request_close_out_of_its_own_problem(world, client_for):
    p = put(raise_problem(world), status=S.RECTIFYING)
    assert _request_close(client_for(world.ent), p).status_code == 200
    assert Problem.objects.get(pk=p.pk).status == S.CLOSE_REQUESTED


def test_it_answers_404_for_a_close_out_request_outside_scope(world, client_for):
    p = put(raise_problem(world, actor=world.sup_p, cooperating_departments=[world.dB]), status=S.RECTIFYING)
    # Another county, another enterprise, a cooperating department (reads only), a leader (reads only).
    for user in (world.sup_b1, world.ent_b, world.liaison_b, world.leader_p):
        r = _request_close(client_for(user), p)
        assert r.status_code == 404, user
        assert r.json() == {"message": "对象不存在或无权访问", "detail": None}
    r = _request_close(client_for(world.inspector_a), p)  # in scope, but re-checks rather than answers
    assert r.status_code == 403 and "申请销号" in r.json()["message"]
    assert _unchanged(p)


def test_it_refuses_a_close_out_request_with_bad_input_and_writes_nothing(world, client_for):
    p = put(raise_problem(world), status=S.RECTIFYING)
    c = client_for(world.liaison_a)
    cases = [
        ({"files": ()}, "申请销号须上传整改佐证材料"),
        ({"statement": ""}, "申请销号须填写整改成效说明"),
        ({"statement": "   "}, "申请销号须填写整改成效说明"),
        ({"data": b""}, "为空"),
        ({"files": ("照片.jpg", "空文件.pdf")}, None),  # filled below: one good file, one empty
    ]
    for kwargs, message in cases[:4]:
        r = _request_close(c, p, **kwargs)
        assert r.status_code == 400, (kwargs, r.content)
        assert set(r.json()) == {"message", "detail"} and message in r.json()["message"], r.json()
    body = {"version": p.version, "statement": "已整改",
            "evidence": [SimpleUploadedFile("照片.jpg", PHOTO), SimpleUploadedFile("空文件.pdf", b"")]}
    r = c.post(f"/api/v1/problems/{p.pk}/request-close", body)
    assert r.status_code == 400 and "空文件.pdf" in r.json()["message"]
    r = _request_close(c, p, version="abc")
    assert r.status_code == 422 and set(r.json()) == {"message", "detail"} and "version" in r.json()["message"]
    r = _request_close(c, p, version=p.version + 5)
    assert r.status_code == 409 and r.json()["message"] == "该问题已被他人修改,请刷新后重试"
    assert _unchanged(p)


def test_it_refuses_a_close_out_request_from_the_wrong_state(world, client_for):
    p = raise_problem(world)  # 待整改: rectification has not started
    r = _request_close(client_for(world.liaison_a), p)
    assert r.status_code == 400
    assert r.json()["message"] == "输入有误:问题当前为“待整改”,不能执行“申请销号”"
    assert _unchanged(p)
    closed = put(raise_problem(world), status=S.CLOSED, recheck_passed=True)
    r = _request_close(client_for(world.sup_a), closed)
    assert r.status_code == 400 and "“已销号”,不能执行“申请销号”" in r.json()["message"]
    assert _unchanged(closed)


def test_it_points_the_json_transition_to_the_upload_endpoint(world, client_for):
    p = put(raise_problem(world), status=S.RECTIFYING)
    r = client_for(world.liaison_a).post(f"/api/v1/problems/{p.pk}/transition",
                                         {"action": "request_close", "version": 1, "statement": "已整改"},
                                         content_type="application/json")
    assert r.status_code == 400 and f"/api/v1/problems/{p.pk}/request-close" in r.json()["message"]
    assert _unchanged(p)


def test_it_documents_the_upload_endpoint(world, client_for):
    spec = client_for(world.sup_a).get("/api/v1/openapi.json").json()
    op = spec["paths"]["/api/v1/problems/{problem_id}/request-close"]["post"]
    assert "multipart/form-data" in op["requestBody"]["content"]


def test_it_tells_a_repeated_close_out_request_that_nothing_was_kept(world, client_for):
    p = put(raise_problem(world), status=S.RECTIFYING)
    c = client_for(world.liaison_a)
    assert _request_close(c, p).status_code == 200
    p = Problem.objects.get(pk=p.pk)
    r = _request_close(c, p, files=("补充材料.pdf",))
    assert r.status_code == 409 and r.json()["message"] == "问题已是“申请销号”,未重复申请,本次上传的材料未保存"
    assert Evidence.objects.filter(problem=p).count() == 1 and Problem.objects.get(pk=p.pk).version == p.version
