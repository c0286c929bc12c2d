"""Policy library: computed status, scope (own subtree plus the regions above), writes with audit,
key points highlighted on the detail page, attachments with SHA-256, enterprise lists."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ducha.core.audit import history_for
from ducha.enterprises.tests.factories import enterprise
from ducha.policies import services
from ducha.policies.choices import PolicyStatus
from ducha.policies.models import Policy, PolicyEnterprise, PolicyTerm
from ducha.policies.tests.factories import policy

TODAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(("start", "end", "status"), [
    ("2026-07-01", "", PolicyStatus.PENDING),
    ("2025-01-01", "", PolicyStatus.ACTIVE),
    ("2025-01-01", "2026-12-31", PolicyStatus.ACTIVE),
    ("2025-01-01", "2026-07-01", PolicyStatus.EXPIRING),   # 30 days ahead: still within the warning window
    ("2025-01-01", "2026-07-02", PolicyStatus.ACTIVE),     # 31 days ahead
    ("2025-01-01", "2026-06-01", PolicyStatus.EXPIRING),   # last day in force
    ("2025-01-01", "2026-05-31", PolicyStatus.EXPIRED),
])
def test_it_computes_the_status_from_the_dates(world, start, end, status):
    p = policy(effective_from=start, effective_to=end, issued_on=start)
    assert p.status_on(TODAY) == status
    assert list(Policy.objects.in_status(status, TODAY)) == [p]
    others = [s for s in PolicyStatus.values if s != status]
    assert not any(Policy.objects.in_status(s, TODAY).exists() for s in others)


def test_it_validates_with_chinese_messages(world):
    with pytest.raises(ValidationError) as exc:
        policy(doc_number="", level="乡", issued_on="2025-02-30", lead_department="不存在的局",
               effective_to="2020-01-01", category="杂项")
    errors = exc.value.message_dict
    assert "文号不能为空" in errors["doc_number"][0]
    assert "国家、省、市、县" in errors["level"][0]
    assert "不存在" in errors["issued_on"][0]
    assert "部门“不存在的局”不存在" in errors["lead_department"][0]
    assert "失效日期不能早于生效日期" in errors["effective_to"][0]
    assert "政策类别" in errors["category"][0]


def test_it_creates_updates_and_records_history(world):
    p = policy(actor=world.sup_a)
    assert [x.text[:6] for x in p.points.all()] == ["企业开展研发", "对小微企业贷"]
    assert list(p.cooperating_departments.values_list("name", flat=True)) == ["东城区科技局"]
    with pytest.raises(ValidationError):
        policy(actor=world.sup_a)  # same 文号
    services.policy_update(actor=world.sup_a, policy=p, title="关于支持专精特新企业的若干措施", issuer="明州市人民政府",
                           issued_on="2025-03-05", effective_from="2025-03-05", level="市", category="产业发展",
                           region_code="990100", lead_department="明州市发改委", delivery_method="资金",
                           points="对专精特新企业给予奖励", body="对专精特新企业给予奖励。")
    p.refresh_from_db()
    assert p.category == "industry" and [x.text for x in p.points.all()] == ["对专精特新企业给予奖励"]
    assert not p.cooperating_departments.exists()
    assert PolicyTerm.objects.filter(policy=p, term="专精特新").exists()
    assert not PolicyTerm.objects.filter(policy=p, term="加计扣除").exists()
    entry = history_for(p).first()
    assert entry.action == "policy.update" and entry.changes["category"] == ["fiscal", "industry"]


def test_scope_covers_the_own_subtree_and_the_regions_above(world, client_for):
    province = policy(n=1, region_code="990000", level="省", lead_department="明州市发改委", title="全省政策")
    city_a = policy(n=2, title="明州政策")
    city_b = policy(n=3, region_code="990200", lead_department="清河市发改委", title="清河政策", cooperating="")
    county = client_for(world.sup_a1)
    assert county.get(f"/policies/{province.pk}/").status_code == 200
    assert county.get(f"/policies/{city_a.pk}/").status_code == 200
    assert county.get(f"/policies/{city_b.pk}/").status_code == 404
    titles = {p.title for p in county.get("/policies/").context["page"]}
    assert titles == {"全省政策", "明州政策"}
    assert {p.title for p in client_for(world.sup_p).get("/policies/").context["page"]} == {
        "全省政策", "明州政策", "清河政策"}
    # changing needs the issuing region in one's own subtree
    assert county.get(f"/policies/{city_a.pk}/edit/").status_code == 404
    assert client_for(world.sup_a).get(f"/policies/{city_a.pk}/edit/").status_code == 200
    with pytest.raises(PermissionDenied):
        services.policy_update(actor=world.sup_b1, policy=city_a, title="x")
    assert client_for(world.ent).get("/policies/").status_code == 403


def test_the_list_filters_by_level_category_status_and_department(world, client_for):
    policy(n=1, title="市级财政政策")
    policy(n=2, title="省级税费政策", region_code="990000", level="省", category="税费优惠", cooperating="",
           effective_to="2020-12-31", effective_from="2020-01-01", issued_on="2020-01-01")
    c = client_for(world.sup_p)

    def titles(query):
        return {p.title for p in c.get(f"/policies/?{query}").context["page"]}

    assert titles("level=province") == {"省级税费政策"}
    assert titles("category=fiscal") == {"市级财政政策"}
    assert titles("status=expired") == {"省级税费政策"}
    assert titles("status=active") == {"市级财政政策"}
    assert titles(f"department={world.dA1.pk}") == {"市级财政政策"}  # as cooperating department
    assert titles(f"department={world.dB.pk}") == set()


def test_the_detail_page_highlights_key_points_and_query_terms(world, client_for):
    p = policy()
    body = client_for(world.sup_a).get(f"/policies/{p.pk}/?q=小微企业").content.decode()
    assert body.count('class="policy-point"') == 2
    assert 'id="point-1"' in body and "<mark>小微企业</mark>" in body
    assert "明州市发改委" in body and "东城区科技局" in body and 'id="history"' in body


def test_attachments_are_stored_with_their_sha256(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = policy()
    content = "东政发〔2025〕12号 原件".encode()
    c = client_for(world.sup_a)
    r = c.post(f"/policies/{p.pk}/attachments/", {"file": SimpleUploadedFile("原件.pdf", content)})
    assert r.status_code == 302
    att = p.attachments.get()
    assert att.sha256 == hashlib.sha256(content).hexdigest() and att.size == len(content)
    download = c.get(f"/policies/{p.pk}/attachments/{att.pk}/")
    assert b"".join(download.streaming_content) == content
    assert client_for(world.sup_b1).get(f"/policies/{p.pk}/attachments/{att.pk}/").status_code == 404
    assert client_for(world.sup_a1).post(f"/policies/{p.pk}/attachments/",
                                         {"file": SimpleUploadedFile("x.pdf", b"x")}).status_code == 404


def test_enterprises_go_on_a_policys_lists(world, client_for):
    p = policy()
    e = enterprise(credit_code=world.enterprise_code, name="东城企业")
    c = client_for(world.sup_a1)
    r = c.post(f"/policies/{p.pk}/enterprises/", {"credit_code": world.enterprise_code.lower(), "status": "applied"})
    assert r.status_code == 302
    assert PolicyEnterprise.objects.get().status == "applied"
    services.policy_enterprise_set(actor=world.sup_a1, policy=p, enterprise=e, status="enjoyed")
    assert "已享受" in client_for(world.ent).get(f"/enterprises/{e.pk}/").content.decode()
    assert history_for(e).first().action == "policy.enterprise_set"
    with pytest.raises(PermissionDenied):
        services.policy_enterprise_set(actor=world.sup_b1, policy=p, enterprise=e, status="eligible")
    services.policy_enterprise_set(actor=world.sup_a1, policy=p, enterprise=e, status="")
    assert not PolicyEnterprise.objects.exists()


def test_a_policys_lists_open_in_the_enterprise_library_with_filters_and_export(world, client_for):
    p = policy()
    applied = enterprise(n=1, name="东城申报企业")
    enjoyed = enterprise(n=2, name="东城享受企业")
    enterprise(n=3, name="东城无关企业")
    services.policy_enterprise_set(actor=world.sup_a1, policy=p, enterprise=applied, status="applied")
    services.policy_enterprise_set(actor=world.sup_a1, policy=p, enterprise=enjoyed, status="enjoyed")
    c = client_for(world.sup_a1)
    detail = c.get(f"/policies/{p.pk}/").content.decode()
    assert f"/enterprises/?policy={p.pk}&amp;list=applied" in detail
    page = c.get(f"/enterprises/?policy={p.pk}&list=applied").content.decode()
    assert "东城申报企业" in page and "东城享受企业" not in page and "东城无关企业" not in page
    assert p.title in page  # the banner names the policy
    both = c.get(f"/enterprises/?policy={p.pk}").content.decode()
    assert "东城申报企业" in both and "东城享受企业" in both and "东城无关企业" not in both
    export = c.get(f"/enterprises/?policy={p.pk}&list=enjoyed&export=csv")
    assert "东城享受企业" in export.content.decode("utf-8-sig") and "东城申报企业" not in export.content.decode("utf-8-sig")
    # A policy the user cannot read, or junk, lists nothing and says so.
    for junk in ("999999", "abc"):
        r = c.get(f"/enterprises/?policy={junk}&list=applied")
        assert r.status_code == 200 and "不在您的查看范围内" in r.content.decode() and "东城申报企业" not in r.content.decode()


def test_liaisons_and_enterprise_users_read_policies_of_their_region_and_above(world, client_for):
    from ducha.policies.models import Policy

    a = policy(n=1, title="明州政策")
    b = policy(n=2, region_code="990200", lead_department="清河市发改委", cooperating="", title="清河政策")
    assert list(Policy.objects.restrict(world.ent, "view")) == [a]
    assert list(Policy.objects.restrict(world.liaison_b, "view")) == [b]
    assert client_for(world.ent).get(f"/policies/{a.pk}/").status_code == 200
    assert client_for(world.ent).get(f"/policies/{b.pk}/").status_code == 404
    assert not Policy.objects.restrict(world.liaison_a, "change").exists()


def test_home_cards_count_in_scope(world, client_for):
    policy(n=1, effective_to="2099-12-31")
    e = enterprise(credit_code=world.enterprise_code, name="东城企业", risk_level="红")
    body = client_for(world.sup_a1).get("/").content.decode()
    assert "有效政策" in body and "红色风险市场主体" in body
    home = client_for(world.ent).get("/").content.decode()
    assert f"/enterprises/{e.pk}/" in home and "东城企业" in home
