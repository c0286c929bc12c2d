"""Forms for the platform pages. They parse and validate input; services do the writing."""

from django import forms
from django.contrib.auth import password_validation

from ducha.core.choices import HolidayKind, Role
from ducha.core.models import Department, Region
from ducha.core.scope import VIEW


class StyledFormMixin:
    """Bootstrap classes on every widget, so templates render fields uniformly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class LoginForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150, error_messages={"required": "请输入用户名"})
    password = forms.CharField(label="密码", widget=forms.PasswordInput, error_messages={"required": "请输入密码"})


class RegionForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label="区划代码", max_length=12, help_text="统计用区划代码,6/9/12位数字;上级按代码自动确定",
                           error_messages={"required": "请输入区划代码"})
    name = forms.CharField(label="名称", max_length=100, error_messages={"required": "请输入名称"})


class RegionRenameForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=100, error_messages={"required": "请输入名称"})


def region_choices(user):
    return Region.objects.restrict(user, VIEW).order_by("path")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{'  ' * (obj.depth - 1)}{obj.name}({obj.code})"


class DepartmentForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="部门名称", max_length=100, error_messages={"required": "请输入部门名称"})
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    region = RegionChoiceField(label="所属区划", queryset=Region.objects.none(),
                               error_messages={"required": "请选择所属区划", "invalid_choice": "所选区划不存在或无权使用"})
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user).exclude(level__gte=5)


class UserForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150, help_text="登录用,建议使用字母和数字",
                               error_messages={"required": "请输入用户名"})
    full_name = forms.CharField(label="姓名", max_length=50, error_messages={"required": "请输入姓名"})
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    region = RegionChoiceField(label="所属区划", queryset=Region.objects.none(), required=False,
                               error_messages={"invalid_choice": "所选区划不存在或无权使用"})
    department = forms.ModelChoiceField(label="所属部门", queryset=Department.objects.none(), required=False,
                                        help_text="部门联络员必填;其区划取部门所在区划",
                                        error_messages={"invalid_choice": "所选部门不存在或无权使用"})
    enterprise_code = forms.CharField(label="企业统一社会信用代码", max_length=30, required=False,
                                      help_text="企业用户必填")
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, required=False,
                               help_text="至少8位,不能全为数字")

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices(user)
        self.fields["department"].queryset = Department.objects.restrict(user, VIEW).select_related("region")
        if editing:
            del self.fields["password"]
            self.fields["username"].disabled = True
        else:
            self.fields["password"].required = True
            self.fields["password"].error_messages["required"] = "请设置初始密码"


class PasswordForm(StyledFormMixin, forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, error_messages={"required": "请输入新密码"},
                               help_text=password_validation.password_validators_help_text_html)
    password2 = forms.CharField(label="再次输入", widget=forms.PasswordInput, error_messages={"required": "请再次输入新密码"})

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class HolidayForm(StyledFormMixin, forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "请选择日期", "invalid": "日期格式不正确,应为 2027-02-06"})
    kind = forms.ChoiceField(label="类型", choices=HolidayKind.choices)
    name = forms.CharField(label="名称", max_length=50, required=False, help_text="如 春节、国庆节")


class WorkdayForm(StyledFormMixin, forms.Form):
    start = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"required": "请选择起始日期", "invalid": "日期格式不正确"})
    days = forms.IntegerField(label="工作日数", min_value=-3650, max_value=3650, initial=5,
                              error_messages={"required": "请输入工作日数", "invalid": "请输入整数",
                                              "min_value": "不能小于 -3650", "max_value": "不能大于 3650"})
    end = forms.DateField(label="截止日期(可选,计算间隔)", required=False,
                          widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "日期格式不正确"})


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label="文件", help_text="xlsx 或 csv(UTF-8 / GBK 均可),第一个非空行为表头",
                           error_messages={"required": "请选择要导入的文件", "empty": "文件为空"})
    dry_run = forms.BooleanField(label="仅校验,不写入", required=False)


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label="用途", max_length=100, error_messages={"required": "请填写令牌用途"})


class AuditFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label="对象/操作人", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "对象名称或操作人"}))
    action = forms.CharField(label="操作", required=False,
                             widget=forms.TextInput(attrs={"placeholder": "操作,如 user. 或 problem.close"}))
    object_type = forms.CharField(label="对象类型", required=False,
                                  widget=forms.TextInput(attrs={"placeholder": "对象类型,如 core.user"}))
    start = forms.DateField(label="起", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            error_messages={"invalid": "日期格式不正确"})
    end = forms.DateField(label="止", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                          error_messages={"invalid": "日期格式不正确"})
