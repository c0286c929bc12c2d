"""Every number of DESIGN.md "Numbers" against a case computed by hand.

As of 2026-06-30, eight problems raised in April 2026 (p7 withdrawn, never counted):

| p  | dept | state        | raised | deadline | closed | lookbacks/rebounds |
|----|------|--------------|--------|----------|--------|--------------------|
| p1 | dA   | 已销号        | 04-01  | 05-15    | 05-10  |                    |
| p2 | dA   | 已销号        | 04-10  | 06-01    | 06-20  |                    |
| p3 | dA   | 整改中        | 04-01  | 06-10    |        |                    |
| p4 | dA   | 整改中        | 04-01  | 07-15    |        |                    |
| p5 | dA1  | 巩固          | 04-01  | 05-31    | 05-01  | 1 / 0              |
| p6 | dA1  | 整改中(反弹后) | 04-01  | 06-15    |        | 1 / 1              |
| p7 | dA1  | 已撤销        | 04-01  | 05-01    |        |                    |
| p8 | dA1  | 已销号        | 04-05  | 08-01    | 04-20  |                    |

整改率   closed {1,2,5,8} ÷ due-or-closed {1,2,3,5,6,8} = 4/6 = 66.7%
按期整改率 closed by deadline {1,5,8} ÷ 6 = 3/6 = 50.0%
反弹率   rebound {6} ÷ looked back {5,6} = 1/2 = 50.0%
闭环率   closed with passed re-check {1,2,5,8} ÷ raised {1,2,3,4,5,6,8} = 4/7 = 57.1%
逾期     open and past deadline {3,6} = 2 (of 3 open)
平均用时  (39 + 71 + 30 + 15) ÷ 4 = 38.75 → 38.8 天
"""

import datetime as dt

import pytest

from ducha.problems import selectors
from ducha.problems.choices import ProblemStatus as S
from ducha.problems.tests.factories import put, raise_problem

AS_OF = dt.date(2026, 6, 30)
D = lambda m, d: dt.date(2026, m, d)  # noqa: E731


@pytest.fixture
def case(world):
    w = world

    def make(dept, status, raised, deadline, closed=None, lookbacks=0, rebounds=0):
        p = raise_problem(w, lead_department=dept, raised_on=raised, deadline=deadline)
        return put(p, status=status, closed_on=closed, lookbacks_done=lookbacks, rebounds=rebounds,
                   recheck_passed=closed is not None, close_days=(closed - raised).days if closed else None)

    ps = {
        1: make(w.dA, S.CLOSED, D(4, 1), D(5, 15), D(5, 10)),
        2: make(w.dA, S.CLOSED, D(4, 10), D(6, 1), D(6, 20)),
        3: make(w.dA, S.RECTIFYING, D(4, 1), D(6, 10)),
        4: make(w.dA, S.RECTIFYING, D(4, 1), D(7, 15)),
        5: make(w.dA1, S.CONSOLIDATED, D(4, 1), D(5, 31), D(5, 1), lookbacks=1),
        6: make(w.dA1, S.RECTIFYING, D(4, 1), D(6, 15), lookbacks=1, rebounds=1),
        7: make(w.dA1, S.WITHDRAWN, D(4, 1), D(5, 1)),
        8: make(w.dA1, S.CLOSED, D(4, 5), D(8, 1), D(4, 20)),
    }
    return w, ps


def ids(qs, ps):
    by_pk = {p.pk: k for k, p in ps.items()}
    return sorted(by_pk[pk] for pk in qs.values_list("pk", flat=True))


def test_it_computes_every_number_by_hand(case):
    w, ps = case
    m = selectors.metrics(selectors.problems_for(w.sup_p), as_of=AS_OF)
    assert (m["rectification"].numerator, m["rectification"].denominator, m["rectification"].value) == (4, 6, 66.7)
    assert (m["on_time"].numerator, m["on_time"].denominator, m["on_time"].value) == (3, 6, 50.0)
    assert (m["rebound"].numerator, m["rebound"].denominator, m["rebound"].value) == (1, 2, 50.0)
    assert (m["closed_loop"].numerator, m["closed_loop"].denominator, m["closed_loop"].value) == (4, 7, 57.1)
    assert (m["overdue"].numerator, m["overdue"].denominator, m["overdue"].value) == (2, 3, 2)
    assert (m["days_to_close"].numerator, m["days_to_close"].denominator, m["days_to_close"].value) == (155, 4, 38.8)


def test_it_returns_the_problems_behind_each_number(case):
    w, ps = case
    m = selectors.metrics(selectors.problems_for(w.sup_p), as_of=AS_OF)
    assert ids(m["rectification"].numerator_qs, ps) == [1, 2, 5, 8]
    assert ids(m["rectification"].denominator_qs, ps) == [1, 2, 3, 5, 6, 8]
    assert ids(m["on_time"].numerator_qs, ps) == [1, 5, 8]
    assert ids(m["rebound"].numerator_qs, ps) == [6]
    assert ids(m["rebound"].denominator_qs, ps) == [5, 6]
    assert ids(m["closed_loop"].denominator_qs, ps) == [1, 2, 3, 4, 5, 6, 8]
    assert ids(m["overdue"].numerator_qs, ps) == [3, 6]
    qs = selectors.metric_filter(selectors.problems_for(w.sup_p), "on_time", "num", as_of=AS_OF)
    assert ids(qs, ps) == [1, 5, 8]


def test_it_computes_numbers_per_department_and_ranks_units(case):
    w, ps = case
    rows = {r["label"]: r["metrics"] for r in selectors.metrics_by(selectors.problems_for(w.sup_p), "department",
                                                                   as_of=AS_OF)}
    # dA: closed {1,2} of due {1,2,3}; on time {1}.  dA1: closed {5,8} of due {5,6,8}; on time {5,8}; rebound 1/2
    dA, dA1 = rows["明州市发改委"], rows["东城区科技局"]
    assert (dA["rectification"].numerator, dA["rectification"].denominator) == (2, 3)
    assert (dA["on_time"].numerator, dA["on_time"].denominator) == (1, 3)
    assert (dA1["on_time"].numerator, dA1["on_time"].denominator) == (2, 3)
    assert (dA1["rebound"].numerator, dA1["rebound"].denominator) == (1, 2)
    assert (dA["days_to_close"].numerator, dA["days_to_close"].denominator) == (110, 2)
    ranked = selectors.ranking(selectors.problems_for(w.sup_p), period=selectors.parse_period("2026Q2"),
                               today=AS_OF)
    assert [(r["label"], r["rank"], r["mark"]) for r in ranked] == [("东城区科技局", 1, "top"),
                                                                  ("明州市发改委", 2, "bottom")]


def test_it_limits_numbers_to_the_period_and_to_scope(case):
    w, ps = case
    period = selectors.parse_period("2026Q1")
    assert period.start == D(1, 1) and period.end == D(3, 31)
    m = selectors.metrics(period.filter(selectors.problems_for(w.sup_p)), as_of=period.as_of(AS_OF))
    assert m["closed_loop"].denominator == 0 and m["closed_loop"].value is None
    # the liaison of dA sees only dA's problems
    m = selectors.metrics(selectors.problems_for(w.liaison_a), as_of=AS_OF)
    assert (m["closed_loop"].numerator, m["closed_loop"].denominator) == (2, 4)
    assert selectors.metrics(selectors.problems_for(w.sup_b1), as_of=AS_OF)["closed_loop"].denominator == 0


def test_it_parses_periods():
    assert selectors.parse_period("2026-02").end == D(2, 28)
    assert selectors.parse_period("2026Q4").end == dt.date(2026, 12, 31)
    assert selectors.parse_period("2026").label == "2026年"
    assert selectors.parse_period("bogus").start is None


def test_it_rolls_numbers_up_to_the_regions_under_the_user(case):
    w, ps = case
    # all eight problems sit in 东城区 (A1), under 明州市 (A) under the province
    rows = selectors.metrics_by(selectors.problems_for(w.sup_p), "region", as_of=AS_OF, user=w.sup_p)
    assert [(r["label"], r["metrics"]["rectification"].numerator, r["metrics"]["rectification"].denominator)
            for r in rows] == [("明州市", 4, 6)]
    rows = selectors.metrics_by(selectors.problems_for(w.sup_a), "region", as_of=AS_OF, user=w.sup_a)
    assert [r["label"] for r in rows] == ["东城区"]


STATES = [S.PENDING, S.RECTIFYING, S.CLOSE_REQUESTED, S.RECHECKING, S.CLOSED, S.LOOKBACK, S.CONSOLIDATED, S.REBOUND,
          S.APPEALING, S.POSTPONED, S.WITHDRAWN, S.MERGED]


def test_it_keeps_numbers_consistent_for_any_ledger(world):
    """Property: numerators never exceed denominators, and the groups add up to the totals."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from ducha.problems.models import Problem

    template = raise_problem(world)
    row = st.tuples(st.sampled_from(STATES), st.integers(0, 120), st.integers(0, 120), st.booleans(),
                    st.integers(0, 2), st.booleans())

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(row, max_size=12))
    def check(rows):
        Problem.objects.exclude(pk=template.pk).delete()
        Problem.objects.filter(pk=template.pk).update(status=S.WITHDRAWN)
        for i, (status, raised, span, dept_a, lookbacks, rebound) in enumerate(rows):
            raised_on = D(1, 1) + dt.timedelta(days=raised)
            closed = status in (S.CLOSED, S.LOOKBACK, S.CONSOLIDATED)
            Problem.objects.create(
                number=f"H{i}", title="t", description="d", region=world.A1,
                lead_department=world.dA if dept_a else world.dA1, raised_on=raised_on,
                deadline=raised_on + dt.timedelta(days=span), original_deadline=raised_on, status=status,
                closed_on=raised_on + dt.timedelta(days=span // 2) if closed else None,
                close_days=span // 2 if closed else None, recheck_passed=closed,
                lookbacks_done=lookbacks, rebounds=1 if rebound and lookbacks else 0)
        qs = selectors.problems_for(world.sup_p)
        totals = selectors.metrics(qs, as_of=AS_OF)
        groups = selectors.metrics_by(qs, "department", as_of=AS_OF)
        for key, m in totals.items():
            assert 0 <= m.numerator and 0 <= m.denominator
            if m.unit == "%":
                assert m.numerator <= m.denominator
                assert m.numerator == m.numerator_qs.count() and m.denominator == m.denominator_qs.count()
            assert sum(g["metrics"][key].numerator for g in groups) == m.numerator
            assert sum(g["metrics"][key].denominator for g in groups) == m.denominator
        by_sum = selectors.totals_of(groups, qs, as_of=AS_OF)
        assert {k: (v.numerator, v.denominator) for k, v in by_sum.items()} == {
            k: (v.numerator, v.denominator) for k, v in totals.items()}
        assert totals["closed_loop"].denominator == sum(1 for r in rows if r[0] not in (S.WITHDRAWN, S.MERGED))

    check()


def test_it_gives_tied_units_one_rank_and_never_splits_them_between_praise_and_interview(world):
    w = world

    def late(dept, region, closed=None):
        p = raise_problem(w, actor=w.sup_p, region=region, lead_department=dept, raised_on=D(4, 1),
                          deadline=D(5, 31))
        if closed:
            put(p, status=S.CLOSED, recheck_passed=True, closed_on=closed, close_days=(closed - D(4, 1)).days)

    # dA and dA1 have each one overdue problem: 0/1, 0/1 — the same figures.
    late(w.dA, w.A)
    late(w.dA1, w.A1)

    def ranked():
        return [(r["label"], r["rank"], r["mark"]) for r in selectors.ranking(
            selectors.problems_for(w.sup_p), period=selectors.parse_period("2026Q2"), today=AS_OF)]

    # Two units tied: one would be "top" and the other "bottom" by position alone.
    assert ranked() == [("东城区科技局", 1, ""), ("明州市发改委", 1, "")]
    late(w.dB, w.B1, closed=D(5, 20))  # 清河市发改委 closes on time: 1/1
    # k = 1 of 3: the tie at the bottom shares last place and is marked as a whole.
    assert ranked() == [("清河市发改委", 1, "top"), ("东城区科技局", 2, "bottom"), ("明州市发改委", 2, "bottom")]
