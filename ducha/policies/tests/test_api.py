"""JSON API of both libraries: same scope and search as the pages, Chinese errors."""

from ducha.enterprises.tests.factories import enterprise
from ducha.policies.tests.factories import policy


def test_the_enterprise_api_lists_in_scope_gets_and_validates(world, client_for):
    a1 = enterprise(n=1, name="明州鑫达机械有限公司")
    b1 = enterprise(n=2, name="清河华信软件有限公司", region="990202")
    c = client_for(world.sup_a1)
    data = c.get("/api/v1/enterprises?q=机械").json()
    assert [e["name"] for e in data] == ["明州鑫达机械有限公司"] and data[0]["scale_label"] == "中小微"
    assert c.get(f"/api/v1/enterprises/{b1.pk}").status_code == 404
    assert c.get(f"/api/v1/enterprises/{a1.pk}").json()["region_code"] == "990102"
    r = c.post("/api/v1/enterprises", {"credit_code": "123", "name": "甲", "region_code": "990102",
                                      "industry_section": "C", "scale": "规上"}, content_type="application/json")
    assert r.status_code == 400 and "统一社会信用代码应为18位" in r.json()["message"]
    r = c.put(f"/api/v1/enterprises/{a1.pk}", {"name": "明州鑫达科技有限公司", "region_code": "990102",
                                               "industry_section": "I", "scale": "sme", "tags": ["新开办"]},
              content_type="application/json")
    assert r.status_code == 200 and r.json()["tags"] == ["新开办"]


def test_the_policy_api_searches_and_shows_key_points(world, client_for):
    p = policy(n=1, title="关于支持小微企业融资的若干措施")
    policy(n=2, title="清河政策", region_code="990200", lead_department="清河市发改委", cooperating="")
    c = client_for(world.sup_a1)
    found = c.get("/api/v1/policies?q=小微企业").json()
    assert [x["title"] for x in found] == ["关于支持小微企业融资的若干措施"] and found[0]["score"] > 0
    detail = c.get(f"/api/v1/policies/{p.pk}").json()
    assert detail["status_label"] == "有效" and len(detail["points"]) == 2 and detail["cooperating"] == ["东城区科技局"]
    assert len(c.get("/api/v1/policies").json()) == 1
    r = client_for(world.sup_a).post("/api/v1/policies", {
        "doc_number": "明政发〔2025〕9号", "title": "新政策", "issuer": "明州市人民政府", "issued_on": "2025-01-01",
        "effective_from": "2025-01-01", "level": "市", "category": "其他", "region_code": "990100",
        "lead_department": "明州市发改委", "delivery_method": "服务", "points": ["要点一"]}, content_type="application/json")
    assert r.status_code == 201 and r.json()["points"] == [{"seq": 1, "text": "要点一"}]
