"""Exports of platform records, in the same columns their importers read (round trip)."""

from ducha.core.models import Department, Holiday, Region, User
from ducha.core.scope import VIEW


def export_regions(actor):
    qs = Region.objects.restrict(actor, VIEW).select_related("parent").order_by("path")
    return "行政区划", ["区划代码", "名称", "上级区划代码"], (
        (r.code, r.name, r.parent.code if r.parent else "") for r in qs.iterator())


def export_holidays(actor):
    return "节假日", ["日期", "类型", "名称"], (
        (h.date.isoformat(), h.get_kind_display(), h.name) for h in Holiday.objects.order_by("date"))


def export_departments(actor):
    qs = Department.objects.restrict(actor, VIEW).select_related("region")
    return "部门", ["部门名称", "简称", "所属区划代码", "所属区划", "状态"], (
        (d.name, d.short_name, d.region.code, d.region.name, "启用" if d.is_active else "停用") for d in qs.iterator())


def export_users(actor):
    qs = User.objects.restrict(actor, VIEW).select_related("region", "department")
    return "用户", ["用户名", "姓名", "角色", "所属区划代码", "所属部门", "企业信用代码", "手机号", "状态"], (
        (u.username, u.full_name, u.get_role_display(), u.region.code if u.region else "",
         u.department.name if u.department else "", u.enterprise_code, u.phone, "启用" if u.is_active else "停用")
        for u in qs)
