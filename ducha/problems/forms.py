"""Forms of the problem ledger: they parse input; services validate the domain rules and write."""

from django import forms

from ducha.core.forms import RegionChoiceField, StyledFormMixin, region_choices
from ducha.core.models import Department
from ducha.core.scope import VIEW
from ducha.problems.choices import Category, Nature, RecheckMethod, Severity, SourceKind, SubjectKind

DATE = {"type": "date"}
DATE_ERRORS = {"invalid": "日期格式不正确,应为 2026-03-05"}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


class DepartmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def departments_for(user):
    return Department.objects.restrict(user, VIEW).filter(is_active=True).select_related("region")


class ProblemForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label="问题标题", max_length=200, required=False, help_text="可空,取问题描述前40字")
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "请填写问题描述"})
    source_kind = forms.ChoiceField(label="来源", choices=SourceKind.choices, initial=SourceKind.MANUAL)
    source_title = forms.CharField(label="来源名称", max_length=200, required=False, help_text="如“2026年第一轮巡查”")
    subject_kind = forms.ChoiceField(label="问题对象类型", choices=SubjectKind.choices, initial=SubjectKind.DEPARTMENT)
    subject_label = forms.CharField(label="问题对象名称", max_length=200, required=False)
    enterprise_code = forms.CharField(label="企业统一社会信用代码", max_length=30, required=False,
                                      help_text="对象为企业时填写,企业用户据此查看和答复")
    region = RegionChoiceField(label="所属区划", queryset=None, error_messages={"required": "请选择所属区划",
                                                                            "invalid_choice": "所选区划不存在或无权使用"})
    category = forms.ChoiceField(label="问题类别", choices=Category.choices)
    nature = forms.ChoiceField(label="共性/个性", choices=Nature.choices)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices)
    domain = forms.CharField(label="领域", max_length=50, required=False, help_text="如 惠企政策、营商环境")
    lead_department = DepartmentChoiceField(label="责任部门(牵头)", queryset=None, required=False,
                                            error_messages={"invalid_choice": "所选部门不存在或无权使用"})
    cooperating_departments = forms.ModelMultipleChoiceField(label="配合部门", queryset=None, required=False)
    responsible_person = forms.CharField(label="责任人", max_length=50, required=False, help_text="个性问题必填")
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    acceptance_criterion = forms.CharField(label="验收标准", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    target = forms.CharField(label="量化目标", max_length=200, required=False, help_text="可选,如“申请时间缩短50%”")
    raised_on = forms.DateField(label="发现日期", widget=forms.DateInput(attrs=DATE), required=False,
                                error_messages=DATE_ERRORS, help_text="默认今天")
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs=DATE), required=False,
                               error_messages=DATE_ERRORS)
    deadline_working_days = forms.IntegerField(label="或:整改期限(工作日)", required=False, min_value=1, max_value=1000,
                                               help_text="按法定节假日和调休计算",
                                               error_messages={"invalid": "请输入整数", "min_value": "至少1个工作日"})
    evidence = MultipleFileField(label="问题佐证材料")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user).filter(level__lte=4)
        self.fields["lead_department"].queryset = departments_for(user)
        self.fields["cooperating_departments"].queryset = departments_for(user)

    def clean(self):
        data = super().clean()
        # Said together with the other missing fields, not only after they are fixed.
        if not data.get("deadline") and data.get("deadline_working_days") is None and "deadline" not in self.errors \
                and "deadline_working_days" not in self.errors:
            self.add_error("deadline", "请填写完成时限,或填写整改期限(工作日)")
        return data


class AssignForm(StyledFormMixin, forms.Form):
    lead_department = DepartmentChoiceField(label="责任部门(牵头)", queryset=None,
                                            error_messages={"required": "请选择责任部门"})
    cooperating_departments = forms.ModelMultipleChoiceField(label="配合部门", queryset=None, required=False)
    responsible_person = forms.CharField(label="责任人", max_length=50, required=False)
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    acceptance_criterion = forms.CharField(label="验收标准", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    target = forms.CharField(label="量化目标", max_length=200, required=False)
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs=DATE), required=False,
                               error_messages=DATE_ERRORS, help_text="整改开始前可调整")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments_for(user)
        self.fields["cooperating_departments"].queryset = departments_for(user)


class BulkAssignForm(StyledFormMixin, forms.Form):
    ids = forms.CharField(widget=forms.HiddenInput, required=False)
    lead_department = DepartmentChoiceField(label="责任部门", queryset=None, error_messages={"required": "请选择责任部门"})
    responsible_person = forms.CharField(label="责任人", max_length=50, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].queryset = departments_for(user)


# Inputs each step asks for (the service checks which are required).
ACTION_FIELDS = {
    "request_close": ["statement", "evidence"],
    "recheck_pass": ["method", "report", "evidence"],
    "recheck_fail": ["method", "report", "note", "evidence"],
    "postpone": ["new_deadline", "note"],
    "reopen": ["new_deadline", "note"],
    "appeal": ["note", "evidence"],
    "appeal_reject": ["note"],
    "appeal_uphold": ["note"],
    "rebound": ["note", "evidence"],
    "consolidate": ["note"],
}
NOTE_LABELS = {"recheck_fail": "未通过原因", "postpone": "暂缓理由", "appeal": "申诉理由", "rebound": "反弹情况",
               "appeal_reject": "驳回理由", "appeal_uphold": "申诉成立理由"}


class TransitionForm(StyledFormMixin, forms.Form):
    statement = forms.CharField(label="整改成效说明", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                help_text="写明做了什么、达到了什么效果(对照验收标准)")
    method = forms.ChoiceField(label="复查方式", choices=[("", "请选择")] + RecheckMethod.choices, required=False)
    report = forms.CharField(label="验收报告", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    new_deadline = forms.DateField(label="新的完成时限", widget=forms.DateInput(attrs=DATE), required=False,
                                   error_messages=DATE_ERRORS)
    note = forms.CharField(label="意见/说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    evidence = MultipleFileField(label="佐证材料")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        keep = set(ACTION_FIELDS.get(action, ["note"])) | {"version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "note" in self.fields and action in NOTE_LABELS:
            self.fields["note"].label = NOTE_LABELS[action]


class ExtendForm(StyledFormMixin, forms.Form):
    new_deadline = forms.DateField(label="延期至", widget=forms.DateInput(attrs=DATE), error_messages={
        "required": "请选择新的完成时限", **DATE_ERRORS})
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "请填写延期理由"})
    version = forms.IntegerField(widget=forms.HiddenInput)


class ProgressForm(StyledFormMixin, forms.Form):
    month = forms.RegexField(label="月份", regex=r"^\d{4}-\d{2}$", max_length=7,
                             error_messages={"required": "请填写月份", "invalid": "月份格式应为 2026-03"})
    percent = forms.IntegerField(label="完成进度(%)", min_value=0, max_value=100, initial=0,
                                 error_messages={"min_value": "不能小于0", "max_value": "不能大于100"})
    content = forms.CharField(label="整改进展", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写整改进展"})
    evidence = MultipleFileField(label="佐证材料")
