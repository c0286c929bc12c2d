"""Forms of the enterprise library: they carry raw input; ``services.enterprise_clean`` validates."""

from django import forms

from ducha.core.forms import StyledFormMixin
from ducha.enterprises.choices import DIVISION_CHOICES, SECTION_CHOICES, CreditGrade, RiskLevel, Scale


class EnterpriseForm(StyledFormMixin, forms.Form):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30, help_text="18位,保存时按 GB 32100-2015 校验")
    name = forms.CharField(label="企业名称", max_length=200)
    region_code = forms.ChoiceField(label="所属区划", choices=())
    address = forms.CharField(label="注册地址", max_length=300, required=False)
    industry_section = forms.ChoiceField(label="行业门类", choices=[("", "请选择")] + SECTION_CHOICES)
    industry_division = forms.ChoiceField(label="行业大类", choices=[("", "—")] + DIVISION_CHOICES, required=False)
    scale = forms.ChoiceField(label="企业规模", choices=[("", "请选择")] + Scale.choices)
    credit_grade = forms.ChoiceField(label="信用等级", choices=[("", "未评定")] + CreditGrade.choices, required=False)
    risk_level = forms.ChoiceField(label="风险等级", choices=[("", "未评定")] + RiskLevel.choices, required=False)
    established_on = forms.CharField(label="成立日期", required=False, help_text="如 2024-03-05")
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    tags = forms.CharField(label="标签", max_length=300, required=False, help_text="多个用“、”分隔,如 新开办、涉企投诉")

    def __init__(self, *args, regions=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "请选择")] + [
            (r.code, f"{'  ' * (r.depth - 1)}{r.name}({r.code})") for r in regions]
        for _name, field in self.fields.items():
            field.error_messages["required"] = f"请填写{field.label}"
        if editing:
            self.fields["credit_code"].disabled = True


class ContactForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请填写联系人姓名"})
    title = forms.CharField(label="职务", max_length=50, required=False)
    phone = forms.CharField(label="电话", max_length=30, error_messages={"required": "请填写联系电话"})
