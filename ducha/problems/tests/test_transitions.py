import datetime as dt

import chinese_calendar
import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError

from ducha.core.choices import Role
from ducha.core.models import AuditEntry
from ducha.core.services import Conflict
from ducha.problems import services
from ducha.problems.choices import TRANSITIONS, Nature, ProblemStatus, RecheckMethod
from ducha.problems.models import Problem, ProblemEvent, Recheck
from ducha.problems.tests.factories import EVIDENCE, put, raise_problem

S = ProblemStatus
TODAY = dt.date(2026, 5, 4)

# What each step needs besides actor/problem/action.
INPUTS = {
    "request_close": {"statement": "资金已全部拨付,建立台账按月核对", "evidence": EVIDENCE},
    "recheck_pass": {"method": RecheckMethod.ONSITE, "report": "现场核验拨付凭证,已全部到位"},
    "recheck_fail": {"method": RecheckMethod.DOCUMENT, "report": "资料不全", "note": "仍有两笔未拨付"},
    "postpone": {"new_deadline": dt.date(2026, 9, 30), "note": "涉及预算调整"},
    "reopen": {"new_deadline": dt.date(2026, 9, 30)},
    "appeal": {"note": "问题认定有误"},
    "appeal_reject": {"note": "证据充分,维持认定"},
    "appeal_uphold": {"note": "经复核认定有误"},
    "rebound": {"note": "回头看发现又出现拖欠"},
}


# A step with a window of its own is taken on a day inside it (appeal: 5 working days after 1 April).
DAY = {"appeal": dt.date(2026, 4, 3)}


def persona(w, role):
    return {Role.ADMIN: w.admin, Role.SUPERVISOR: w.sup_a, Role.LIAISON: w.liaison_a, Role.ENTERPRISE: w.ent,
            Role.INSPECTOR: w.inspector_a, Role.EVALUATOR: w.evaluator_p, Role.LEADER: w.leader_p}[role]


def in_state(w, status):
    problem = raise_problem(w)
    extra = {"recheck_passed": True} if status == S.RECHECKING else {}
    if status in (S.CLOSED, S.CONSOLIDATED, S.LOOKBACK):
        extra = {"recheck_passed": True, "closed_on": dt.date(2026, 4, 20)}
    return put(problem, status=status, **extra)


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_it_allows_each_transition_to_each_permitted_role(world, action):
    t = TRANSITIONS[action]
    for source in sorted(t.sources):
        for role in sorted(t.roles):
            problem = in_state(world, source)
            done = services.problem_transition(actor=persona(world, role), problem=problem, action=action,
                                               today=DAY.get(action, TODAY), **INPUTS.get(action, {}))
            fresh = Problem.objects.get(pk=problem.pk)
            assert fresh.status == t.target == done.status
            assert fresh.version == 2
            assert ProblemEvent.objects.filter(problem=problem, action=action).count() == 1
            assert AuditEntry.objects.filter(action=f"problem.{action}", object_id=str(problem.pk)).count() == 1


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_it_refuses_each_transition_to_other_roles(world, action):
    t = TRANSITIONS[action]
    source = sorted(t.sources)[0]
    for role in sorted(set(Role.values) - t.roles):
        problem = in_state(world, source)
        with pytest.raises(PermissionDenied):
            services.problem_transition(actor=persona(world, role), problem=problem, action=action, today=TODAY,
                                        **INPUTS.get(action, {}))
        assert Problem.objects.get(pk=problem.pk).status == source


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_it_refuses_each_transition_from_other_states(world, action):
    t = TRANSITIONS[action]
    for status in sorted(set(S.values) - t.sources - {t.target}):
        problem = in_state(world, status)
        with pytest.raises(ValidationError) as exc:
            services.problem_transition(actor=world.admin, problem=problem, action=action, today=TODAY,
                                        **INPUTS.get(action, {}))
        assert "不能执行" in str(exc.value)
        assert Problem.objects.get(pk=problem.pk).version == 1


def test_it_treats_a_move_to_the_state_already_held_as_no_op(world):
    problem = in_state(world, S.RECTIFYING)
    services.problem_transition(actor=world.sup_a, problem=problem, action="reopen", today=TODAY,
                                new_deadline=dt.date(2026, 9, 1))
    assert Problem.objects.get(pk=problem.pk).version == 1
    assert not ProblemEvent.objects.filter(problem=problem, action="reopen").exists()


def test_it_runs_the_whole_loop(world):
    w = world
    p = raise_problem(w)
    step = services.problem_transition
    step(actor=w.liaison_a, problem=p, action="start", today=TODAY)
    step(actor=w.liaison_a, problem=p, action="request_close", today=TODAY, **INPUTS["request_close"])
    step(actor=w.inspector_a, problem=p, action="start_recheck", today=TODAY)
    step(actor=w.inspector_a, problem=p, action="recheck_fail", today=TODAY, **INPUTS["recheck_fail"])
    assert p.status == S.RECTIFYING and not p.recheck_passed
    step(actor=w.ent, problem=p, action="request_close", today=TODAY, **INPUTS["request_close"])
    step(actor=w.evaluator_p, problem=p, action="start_recheck", today=TODAY)
    with pytest.raises(ValidationError, match="复查通过后才能销号"):
        step(actor=w.sup_a, problem=p, action="close", today=TODAY)
    step(actor=w.evaluator_p, problem=p, action="recheck_pass", today=TODAY, **INPUTS["recheck_pass"])
    step(actor=w.sup_a, problem=p, action="close", today=TODAY)
    p = Problem.objects.get(pk=p.pk)
    assert p.status == S.CLOSED and p.closed_on == TODAY and p.close_days == 33  # 1 April → 4 May
    assert p.due_at == dt.date(2026, 8, 4)  # first look-back 3 months after 销号
    step(actor=w.sup_a, problem=p, action="lookback_start", today=dt.date(2026, 8, 4))
    step(actor=w.inspector_a, problem=p, action="rebound", today=dt.date(2026, 8, 5), **INPUTS["rebound"])
    assert (p.status, p.rebounds, p.lookbacks_done, p.closed_on, p.close_days) == (S.REBOUND, 1, 1, None, None)
    step(actor=w.sup_a, problem=p, action="reopen", today=dt.date(2026, 8, 6), **INPUTS["reopen"])
    p = Problem.objects.get(pk=p.pk)
    assert p.status == S.RECTIFYING and p.deadline == dt.date(2026, 9, 30) == p.due_at
    assert [r.result for r in Recheck.objects.filter(problem=p)] == ["failed", "passed"]
    assert p.evidence.count() == 2 and len(p.evidence.first().sha256) == 64


def test_it_refuses_close_out_without_statement_or_evidence(world):
    p = in_state(world, S.RECTIFYING)
    with pytest.raises(ValidationError, match="佐证材料"):
        services.problem_transition(actor=world.liaison_a, problem=p, action="request_close", statement="已整改")
    with pytest.raises(ValidationError, match="成效说明"):
        services.problem_transition(actor=world.liaison_a, problem=p, action="request_close", evidence=EVIDENCE)
    assert Problem.objects.get(pk=p.pk).status == S.RECTIFYING


def test_it_requires_method_report_and_reasons_for_a_recheck(world):
    p = in_state(world, S.RECHECKING)
    with pytest.raises(ValidationError, match="复查方式"):
        services.problem_transition(actor=world.inspector_a, problem=p, action="recheck_pass", report="好")
    with pytest.raises(ValidationError, match="验收报告"):
        services.problem_transition(actor=world.inspector_a, problem=p, action="recheck_pass", method="onsite")
    with pytest.raises(ValidationError, match="原因"):
        services.problem_transition(actor=world.inspector_a, problem=p, action="recheck_fail", method="onsite",
                                    report="未到位")


def test_it_allows_postponement_and_extension_only_before_the_deadline(world):
    p = in_state(world, S.RECTIFYING)  # deadline 2026-06-30
    with pytest.raises(ValidationError, match="已过"):
        services.problem_transition(actor=world.sup_a, problem=p, action="postpone", today=dt.date(2026, 7, 1),
                                    **INPUTS["postpone"])
    with pytest.raises(ValidationError, match="已过"):
        services.problem_extend(actor=world.sup_a, problem=p, new_deadline=dt.date(2026, 8, 1), reason="x",
                                today=dt.date(2026, 7, 1))
    services.problem_extend(actor=world.sup_a, problem=p, new_deadline=dt.date(2026, 8, 1), reason="汛期施工受限",
                            today=dt.date(2026, 6, 30))
    p = Problem.objects.get(pk=p.pk)
    assert (p.deadline, p.original_deadline, p.due_at) == (dt.date(2026, 8, 1), dt.date(2026, 6, 30),
                                                          dt.date(2026, 8, 1))
    services.problem_transition(actor=world.sup_a, problem=p, action="postpone", today=dt.date(2026, 7, 15),
                                **INPUTS["postpone"])
    assert Problem.objects.get(pk=p.pk).deadline == dt.date(2026, 9, 30)


def test_it_refuses_a_deadline_before_the_raise_date(world):
    with pytest.raises(ValidationError) as exc:
        raise_problem(world, raised_on=dt.date(2026, 4, 1), deadline=dt.date(2026, 3, 31))
    assert "不能早于发现日期" in str(exc.value)
    assert not Problem.objects.exists()


def test_it_requires_a_named_person_for_an_individual_problem(world):
    with pytest.raises(ValidationError, match="责任人"):
        raise_problem(world, nature=Nature.INDIVIDUAL, responsible_person="")
    assert raise_problem(world, nature=Nature.INDIVIDUAL, responsible_person="张科长").responsible_person == "张科长"


def test_it_counts_working_days_across_the_2026_spring_festival(world):
    raised = dt.date(2026, 2, 11)
    p = raise_problem(world, raised_on=raised, deadline=None, deadline_working_days=5)
    # 2026 春节: 15–23 Feb are holidays, Saturday 14 Feb is a make-up working day.
    assert all(chinese_calendar.is_holiday(dt.date(2026, 2, d)) for d in range(15, 24))
    assert chinese_calendar.is_workday(dt.date(2026, 2, 14))
    # 12, 13, 14 (调休), then 24, 25 Feb
    assert p.deadline == dt.date(2026, 2, 25) == p.due_at


def test_it_tells_the_second_closer_that_the_problem_changed(world):
    p = in_state(world, S.RECHECKING)
    first, second = Problem.objects.get(pk=p.pk), Problem.objects.get(pk=p.pk)
    services.problem_transition(actor=world.sup_a, problem=first, action="close", today=TODAY)
    with pytest.raises(Conflict, match="该问题已被他人修改,请刷新后重试"):
        services.problem_transition(actor=world.sup_p, problem=second, action="close", today=TODAY)
    assert ProblemEvent.objects.filter(problem=p, action="close").count() == 1


def test_it_refuses_a_stale_version_from_a_form(world):
    p = in_state(world, S.PENDING)
    services.problem_transition(actor=world.liaison_a, problem=p, action="start", version=1)
    p2 = Problem.objects.get(pk=p.pk)
    with pytest.raises(Conflict):
        services.problem_extend(actor=world.sup_a, problem=p2, new_deadline=dt.date(2026, 8, 1), reason="x",
                                today=TODAY, version=1)


def test_it_refuses_users_outside_the_problem_scope(world):
    p = in_state(world, S.PENDING)
    for outsider in (world.liaison_b, world.sup_b1, world.ent_b):
        with pytest.raises(PermissionDenied):
            services.problem_transition(actor=outsider, problem=p, action="start", today=TODAY)
    with pytest.raises(PermissionDenied):
        raise_problem(world, actor=world.sup_b1)


def test_it_assigns_and_bulk_assigns(world):
    a, b = raise_problem(world), raise_problem(world)
    services.problems_bulk_assign(actor=world.sup_a, problems=[a, b], lead_department=world.dA1,
                                  responsible_person="李科长")
    assert set(Problem.objects.values_list("lead_department", flat=True)) == {world.dA1.pk}
    with pytest.raises(PermissionDenied):
        services.problem_assign(actor=world.liaison_a, problem=a, lead_department=world.dA)


def test_it_refuses_an_appeal_after_five_working_days_across_the_spring_festival(world):
    # Raised on 11 Feb 2026: 12, 13, 14 (调休), then 24, 25 Feb — the Spring Festival does not count.
    on_time = raise_problem(world, raised_on=dt.date(2026, 2, 11), deadline=dt.date(2026, 4, 30))
    late = raise_problem(world, raised_on=dt.date(2026, 2, 11), deadline=dt.date(2026, 4, 30))
    assert services.appeal_last_day(on_time) == dt.date(2026, 2, 25)
    assert [t.action for t in services.allowed_actions(late, world.ent, today=dt.date(2026, 2, 25))].count("appeal")
    services.problem_transition(actor=world.ent, problem=on_time, action="appeal", today=dt.date(2026, 2, 25),
                                note="问题认定有误")
    assert Problem.objects.get(pk=on_time.pk).status == S.APPEALING
    with pytest.raises(ValidationError) as exc:
        services.problem_transition(actor=world.ent, problem=late, action="appeal", today=dt.date(2026, 2, 26),
                                    note="问题认定有误")
    assert exc.value.messages == ["申诉期限已过:应在发现问题后5个工作日内(至 2026-02-25)提出申诉"]
    fresh = Problem.objects.get(pk=late.pk)
    assert (fresh.status, fresh.version) == (S.PENDING, 1)
    assert not ProblemEvent.objects.filter(problem=late, action="appeal").exists()
    assert not AuditEntry.objects.filter(action="problem.appeal", object_id=str(late.pk)).exists()
    assert "appeal" not in [t.action for t in services.allowed_actions(late, world.ent, today=dt.date(2026, 2, 26))]


def test_it_takes_the_appeal_window_from_the_settings(world, settings):
    p = raise_problem(world, raised_on=dt.date(2026, 2, 11), deadline=dt.date(2026, 4, 30))
    settings.DUCHA_APPEAL_WORKING_DAYS = 10
    assert services.appeal_last_day(p) == dt.date(2026, 3, 3)  # 25 Feb + 26, 27, 28 (调休) Feb, 2, 3 Mar
    services.problem_transition(actor=world.liaison_a, problem=p, action="appeal", today=dt.date(2026, 3, 3),
                                note="责任部门认定有误")
    for bad in (0, -1, "5", 2.5, True):
        settings.DUCHA_APPEAL_WORKING_DAYS = bad
        with pytest.raises(ImproperlyConfigured, match="DUCHA_APPEAL_WORKING_DAYS"):
            services.appeal_working_days()
