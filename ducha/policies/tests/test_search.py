"""Chinese full-text search over policies and enterprises (jieba term index), on either database."""

from ducha.core import search
from ducha.enterprises.models import Enterprise, EnterpriseTerm
from ducha.enterprises.tests.factories import enterprise
from ducha.policies import services
from ducha.policies.models import Policy, PolicyTerm
from ducha.policies.tests.factories import policy


def _world_of_policies():
    policy(n=1, title="关于进一步落实研发费用加计扣除政策的通知", points="研发费用按100%加计扣除",
           body="企业开展研发活动中实际发生的研发费用,按照实际发生额的100%在税前加计扣除。")
    policy(n=2, title="关于支持小微企业融资的若干措施", points="对小微企业贷款给予贴息",
           body="对单户授信1000万元以下的小微企业贷款给予1%的贷款贴息。")
    policy(n=3, title="关于优化营商环境的若干措施", points="推行惠企政策免申即享",
           body="梳理惠企政策清单。对小微企业和个体工商户开展上门服务。科技型企业的研发费用可按规定享受优惠。")
    policy(n=4, title="关于加强安全生产的通知", points="落实安全生产责任", body="压实企业主体责任。")


def _titles(qs):
    return [p.title for p in qs]


def test_it_finds_policies_by_chinese_phrases_best_first(world):
    _world_of_policies()
    qs = Policy.objects.all()
    found = _titles(search.search(qs, PolicyTerm, "研发费用加计扣除"))
    assert found == ["关于进一步落实研发费用加计扣除政策的通知"]
    found = _titles(search.search(qs, PolicyTerm, "小微企业"))
    # a title hit outranks a mention in the body
    assert found == ["关于支持小微企业融资的若干措施", "关于优化营商环境的若干措施"]
    assert _titles(search.search(qs, PolicyTerm, "惠企")) == ["关于优化营商环境的若干措施"]
    assert _titles(search.search(qs, PolicyTerm, "研发费用")) == [
        "关于进一步落实研发费用加计扣除政策的通知", "关于优化营商环境的若干措施"]
    assert _titles(search.search(qs, PolicyTerm, "明政发〔2025〕4号")) == ["关于加强安全生产的通知"]
    assert _titles(search.search(qs, PolicyTerm, "量子计算")) == []


def test_large_match_sets_are_restricted_to_scope_in_the_same_query(world, monkeypatch):
    # Above search.SMALL matches the scope check moves into the grouped query: same answers.
    _world_of_policies()
    policy(n=9, title="清河市支持小微企业的措施", region_code="990200", lead_department="清河市发改委", cooperating="")
    mine = Policy.objects.restrict(world.sup_a1)
    expected = {q: _titles(search.search(mine, PolicyTerm, q)) for q in ("小微企业", "研发费用 小微企业", "企业")}
    assert expected["小微企业"] == ["关于支持小微企业融资的若干措施", "关于优化营商环境的若干措施"]
    assert expected["研发费用 小微企业"] == ["关于优化营商环境的若干措施"]
    monkeypatch.setattr(search, "SMALL", 1)
    for q, titles in expected.items():
        ranked = search.search(mine, PolicyTerm, q)
        assert _titles(ranked) == titles and ranked.count() == len(titles)
        assert sorted(_titles(ranked.order_by("title"))) == sorted(titles)
    assert "清河市支持小微企业的措施" in _titles(search.search(Policy.objects.all(), PolicyTerm, "小微企业"))
    empty = search.search(mine, PolicyTerm, "小微企业 量子计算")
    assert empty.count() == 0 and list(empty.order_by("title")) == []


def test_the_list_page_searches_highlights_and_keeps_scope(world, client_for):
    _world_of_policies()
    policy(n=9, title="清河市支持小微企业的措施", region_code="990200", lead_department="清河市发改委", cooperating="")
    r = client_for(world.sup_a1).get("/policies/?q=小微企业")
    titles = [p.title for p in r.context["page"]]
    assert titles[0] == "关于支持小微企业融资的若干措施" and "清河市支持小微企业的措施" not in titles
    body = r.content.decode()
    assert "关于支持<mark>小微企业</mark>融资的若干措施" in body
    assert "<mark>小微企业</mark>贷款" in body  # snippet from the text
    sorted_titles = [p.title for p in client_for(world.sup_a1).get("/policies/?q=小微企业&sort=title").context["page"]]
    assert sorted(sorted_titles) == sorted(titles)


def test_the_index_follows_every_write(world):
    p = policy(n=1, title="关于支持小微企业融资的若干措施")
    assert search.search(Policy.objects.all(), PolicyTerm, "小微企业").count() == 1
    services.policy_update(actor=None, policy=p, title="关于支持个体工商户的措施", issuer="明州市人民政府",
                           issued_on="2025-03-05", effective_from="2025-03-05", level="市", category="财政扶持",
                           region_code="990100", lead_department="明州市发改委", delivery_method="资金",
                           points="", body="")
    assert search.search(Policy.objects.all(), PolicyTerm, "小微企业").count() == 0
    assert search.search(Policy.objects.all(), PolicyTerm, "个体工商户").count() == 1
    p.delete()
    assert not PolicyTerm.objects.exists()


def test_it_finds_enterprises_by_name_words_and_credit_code_prefix(world, client_for):
    enterprise(n=1, name="明州鑫达机械制造有限公司")
    enterprise(n=2, name="东城华信软件有限公司")
    qs = Enterprise.objects.all()
    assert [e.name for e in search.search(qs, EnterpriseTerm, "机械制造")] == ["明州鑫达机械制造有限公司"]
    assert [e.name for e in search.search(qs, EnterpriseTerm, "软件")] == ["东城华信软件有限公司"]


def test_highlight_escapes_html(world):
    assert str(search.highlight("<b>小微企业</b>", "小微企业")) == "&lt;b&gt;<mark>小微企业</mark>&lt;/b&gt;"


def test_reindex_rebuilds_terms_through_a_job(world):
    from django.core.management import call_command

    p = policy(n=1, title="关于支持小微企业融资的若干措施")
    enterprise(n=1, name="明州鑫达机械制造有限公司")
    PolicyTerm.objects.all().delete()
    EnterpriseTerm.objects.all().delete()
    call_command("reindex", "--user", "t_admin")
    assert [x.pk for x in search.search(Policy.objects.all(), PolicyTerm, "小微企业")] == [p.pk]
    assert search.search(Enterprise.objects.all(), EnterpriseTerm, "机械").count() == 1
    from ducha.core.models import Job

    job = Job.objects.get(kind="reindex")
    assert job.status == "succeeded" and job.result == {"enterprises": 1, "policies": 1}
