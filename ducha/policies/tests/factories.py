"""Builders for policy tests (through the services)."""

from ducha.policies import services

BODY = ("为支持企业创新,现就有关事项通知如下。\n"
        "一、企业开展研发活动中实际发生的研发费用,按照实际发生额的100%在税前加计扣除。\n"
        "二、对小微企业贷款给予1%的贷款贴息。\n"
        "三、本通知自发布之日起施行。")
POINTS = "企业开展研发活动中实际发生的研发费用,按照实际发生额的100%在税前加计扣除\n对小微企业贷款给予1%的贷款贴息"


def policy(*, actor=None, n=1, **overrides):
    fields = {"doc_number": f"明政发〔2025〕{n}号", "title": f"关于支持企业发展的若干措施{n}", "issuer": "明州市人民政府",
              "issued_on": "2025-03-05", "effective_from": "2025-03-05", "effective_to": "", "level": "市",
              "category": "财政扶持", "region_code": "990100", "lead_department": "明州市发改委",
              "cooperating": "东城区科技局", "delivery_method": "资金", "applicable_scope": "本市中小微企业",
              "points": POINTS, "body": BODY}
    fields.update(overrides)
    return services.policy_create(actor=actor, **fields)
