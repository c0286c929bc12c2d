"""Forms of the policy library: they carry raw input; ``services.policy_clean`` validates."""

from django import forms

from ducha.core.forms import StyledFormMixin
from ducha.policies.choices import DeliveryMethod, LinkStatus, PolicyCategory, PolicyLevel


class PolicyForm(StyledFormMixin, forms.Form):
    doc_number = forms.CharField(label="文号", max_length=100, help_text="如 东政发〔2025〕12号")
    title = forms.CharField(label="标题", max_length=300)
    issuer = forms.CharField(label="发文机关", max_length=200)
    issued_on = forms.CharField(label="发布日期", help_text="如 2025-03-05")
    effective_from = forms.CharField(label="生效日期")
    effective_to = forms.CharField(label="失效日期", required=False, help_text="可空(长期有效)")
    level = forms.ChoiceField(label="层级", choices=[("", "请选择")] + PolicyLevel.choices)
    category = forms.ChoiceField(label="政策类别", choices=[("", "请选择")] + PolicyCategory.choices)
    region_code = forms.ChoiceField(label="发文区划", choices=())
    lead_department = forms.ChoiceField(label="牵头部门", choices=())
    cooperating = forms.MultipleChoiceField(label="配合部门", choices=(), required=False)
    delivery_method = forms.ChoiceField(label="兑现方式", choices=[("", "请选择")] + DeliveryMethod.choices)
    applicable_scope = forms.CharField(label="适用范围", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    points = forms.CharField(label="政策要点", widget=forms.Textarea(attrs={"rows": 5}), required=False,
                             help_text="每条一行;正文中原样出现的要点会在详情页高亮")
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 12}), required=False)

    def __init__(self, *args, regions=(), departments=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = [("", "请选择")] + [(r.code, f"{r.name}({r.code})") for r in regions]
        names = [(d.name, d.name) for d in departments]
        self.fields["lead_department"].choices = [("", "请选择")] + names
        self.fields["cooperating"].choices = names
        self.fields["cooperating"].widget.attrs["size"] = 6
        for field in self.fields.values():
            field.error_messages["required"] = f"请填写{field.label}"
        if editing:
            self.fields["doc_number"].disabled = True


class AttachmentForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="附件", error_messages={"required": "请选择文件"})


class LinkForm(StyledFormMixin, forms.Form):
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30, error_messages={"required": "请输入信用代码"})
    status = forms.ChoiceField(label="状态", choices=LinkStatus.choices + [("", "移出名单")], required=False)
