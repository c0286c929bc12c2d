"""Enterprise library: credit-code and phone validation, scope, filters, search, audit history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ducha.core.audit import history_for
from ducha.core.validators import make_credit_code
from ducha.enterprises import services
from ducha.enterprises.models import Enterprise, EnterpriseTerm
from ducha.enterprises.tests.factories import code, enterprise


def _problems(**raw):
    from ducha.core.models import Region

    base = {"credit_code": code(1), "name": "甲公司", "region_code": "990102", "industry_section": "C",
            "scale": "规上"}
    base.update(raw)
    _, problems = services.enterprise_clean(base, regions={r.code: r for r in Region.objects.all()})
    return {field: reason for field, _v, reason in problems}


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_it_rejects_credit_codes_with_letters_gb32100_excludes(world, letter):
    good = code(7)
    bad = good[:10] + letter + good[11:]
    assert "不允许的字符" in _problems(credit_code=bad)["credit_code"]


def test_it_rejects_wrong_length_wrong_check_characters_and_accepts_full_width(world):
    good = code(7)
    assert "应为18位" in _problems(credit_code=good[:17])["credit_code"]
    wrong_last = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位(第18位)" in _problems(credit_code=wrong_last)["credit_code"]
    body = good[8:16]
    wrong_org = good[:16] + ("0" if good[16] != "0" else "1")
    wrong_org = wrong_org + make_credit_code("91", "990102", body)[17]
    assert "组织机构代码" in _problems(credit_code=wrong_org[:18])["credit_code"]
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in good.lower())
    assert "credit_code" not in _problems(credit_code=f" {full_width} ")


def test_it_validates_phone_industry_scale_and_region(world):
    problems = _problems(contact_phone="1234", industry_section="制造", scale="大型", region_code="123456",
                         industry_division="62", credit_grade="E", risk_level="紫")
    assert "电话号码格式不正确" in problems["contact_phone"]
    assert "行业门类" in problems["industry_section"]
    assert "规上" in problems["scale"]
    assert "不存在" in problems["region_code"]
    assert "A、B、C、D" in problems["credit_grade"] and "红、黄、蓝" in problems["risk_level"]
    assert _problems(contact_phone="0543-3161234", industry_section="制造业", industry_division="39") == {}
    assert "属于门类 H" in _problems(industry_section="C", industry_division="62")["industry_division"]


def test_it_creates_with_an_audit_entry_and_refuses_duplicates(world):
    e = enterprise(actor=world.sup_a, tags="新开办、涉企投诉")
    assert e.tag_list == ["新开办", "涉企投诉"]
    assert history_for(e).first().action == "enterprise.create"
    with pytest.raises(ValidationError) as exc:
        enterprise(actor=world.sup_a)
    assert "已登记" in str(exc.value)


def test_it_refuses_writes_outside_scope_and_by_read_only_roles(world):
    with pytest.raises(ValidationError):
        enterprise(actor=world.sup_b1, n=2, region="990102")  # region outside B1's subtree
    e = enterprise(actor=world.sup_a1, n=3)
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.sup_b1, enterprise=e, name="改名", region_code="990202",
                                   industry_section="C", scale="规上")
    with pytest.raises(PermissionDenied):
        enterprise(actor=world.leader_p, n=4)


def test_it_updates_and_reindexes_the_name(world):
    e = enterprise(actor=world.sup_a1, n=5, name="东城鑫达机械有限公司")
    services.enterprise_update(actor=world.sup_a1, enterprise=e, name="东城华信软件有限公司", region_code="990102",
                               industry_section="I", industry_division="65", scale="规上")
    e.refresh_from_db()
    assert e.scale == "above" and e.industry_section == "I"
    terms = set(EnterpriseTerm.objects.filter(enterprise=e).values_list("term", flat=True))
    assert "软件" in terms and "机械" not in terms
    assert history_for(e).first().changes["name"] == ["东城鑫达机械有限公司", "东城华信软件有限公司"]


def test_it_scopes_pages_inside_and_outside(world, client_for):
    a1 = enterprise(n=10, credit_code=world.enterprise_code, name="东城企业")
    b1 = enterprise(n=11, region="990202", credit_code=world.enterprise_code_b, name="清河企业")
    sup = client_for(world.sup_a1)
    assert sup.get(f"/enterprises/{a1.pk}/").status_code == 200
    assert sup.get(f"/enterprises/{b1.pk}/").status_code == 404
    assert sup.get(f"/enterprises/{b1.pk}/edit/").status_code == 404
    listing = sup.get("/enterprises/").content.decode()
    assert "东城企业" in listing and "清河企业" not in listing
    province = client_for(world.sup_p).get("/enterprises/").content.decode()
    assert "东城企业" in province and "清河企业" in province
    ent = client_for(world.ent)
    assert ent.get(f"/enterprises/{a1.pk}/").status_code == 200
    assert ent.get(f"/enterprises/{b1.pk}/").status_code == 404
    assert ent.get("/enterprises/").status_code == 403
    assert client_for(world.liaison_b).get(f"/enterprises/{b1.pk}/").status_code == 200
    assert client_for(world.liaison_b).get(f"/enterprises/{a1.pk}/").status_code == 404


def test_it_filters_the_list_by_every_attribute(world, client_for):
    enterprise(n=20, name="甲机械有限公司", scale="规上", credit_grade="A", risk_level="红", tags="新开办")
    enterprise(n=21, name="乙软件有限公司", industry_section="I", industry_division="65", credit_grade="C",
               risk_level="黄", region="990202", tags="涉企投诉")
    c = client_for(world.sup_p)

    def names(query):
        return {e.name for e in c.get(f"/enterprises/?{query}").context["page"]}

    assert names("region=990202") == {"乙软件有限公司"}
    assert names("industry=I") == {"乙软件有限公司"}
    assert names("scale=above") == {"甲机械有限公司"}
    assert names("credit=C") == {"乙软件有限公司"}
    assert names("risk=red") == {"甲机械有限公司"}
    assert names("tag=涉企投诉") == {"乙软件有限公司"}
    assert names("q=机械") == {"甲机械有限公司"}
    assert names(f"q={code(21, '990202')[:10]}") == {"乙软件有限公司"}
    body = c.get("/enterprises/?q=软件").content.decode()
    assert "<mark>软件</mark>" in body


def test_it_exports_the_filtered_rows(world, client_for):
    enterprise(n=30, name="甲机械有限公司")
    enterprise(n=31, name="乙机械有限公司", region="990202")
    r = client_for(world.sup_a1).get("/enterprises/?export=csv")
    text = r.content.decode("utf-8-sig")
    assert r.status_code == 200 and "甲机械有限公司" in text and "乙机械有限公司" not in text
    assert text.splitlines()[0].startswith("统一社会信用代码,企业名称,所属区划代码")


def test_the_detail_page_shows_history(world, client_for):
    e = enterprise(actor=world.sup_a1, n=40)
    body = client_for(world.sup_a1).get(f"/enterprises/{e.pk}/").content.decode()
    assert 'id="history"' in body and "enterprise.create" in body


def test_it_rejects_a_form_with_chinese_messages(world, client_for):
    r = client_for(world.sup_a1).post("/enterprises/new/", {
        "credit_code": "91990102MA1X0001AA", "name": "甲", "region_code": "990102", "industry_section": "C",
        "scale": "sme", "contact_phone": "12"})
    assert r.status_code == 200
    body = r.content.decode()
    assert "校验位" in body or "组织机构代码" in body
    assert "电话号码格式不正确" in body
    assert not Enterprise.objects.exists()


def test_contacts_are_added_with_valid_phones_and_recorded(world, client_for):
    e = enterprise(n=50)
    c = client_for(world.sup_a1)
    r = c.post(f"/enterprises/{e.pk}/contacts/", {"name": "李明", "title": "财务总监", "phone": "12345"}, follow=True)
    assert "电话号码格式不正确" in r.content.decode() and not e.contacts.exists()
    c.post(f"/enterprises/{e.pk}/contacts/", {"name": "李明", "title": "财务总监", "phone": "0543-3161234"})
    contact = e.contacts.get()
    assert contact.phone == "0543-3161234"
    assert client_for(world.sup_b1).post(f"/enterprises/{e.pk}/contacts/{contact.pk}/delete/").status_code == 404
    assert "李明" in c.get(f"/enterprises/{e.pk}/").content.decode()
    c.post(f"/enterprises/{e.pk}/contacts/{contact.pk}/delete/")
    assert not e.contacts.exists()
    assert [x.action for x in history_for(e)[:2]] == ["enterprise.contact_remove", "enterprise.contact_add"]
