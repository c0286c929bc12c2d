"""Importers for platform records: the region list and the holiday table."""

from ducha.core import regioncodes, services
from ducha.core.choices import HolidayKind, RegionLevel, Role
from ducha.core.dates import DateParseError, parse_date
from ducha.core.imports import Column, Importer, RowInvalid
from ducha.core.models import Department, Region, User
from ducha.core.text import clean_code, clean_text
from ducha.core.validators import credit_code_problem, phone_problem


class RegionImporter(Importer):
    name = "行政区划"
    key = "code"
    columns = [
        Column("code", "区划代码", aliases=("统计用区划代码", "代码", "code"), help="6/9/12位数字,如 990102"),
        Column("name", "名称", aliases=("区划名称", "name"), help="如 明州市"),
        Column("parent_code", "上级区划代码", required=False, aliases=("上级代码", "parent"),
               help="可空,按代码自动推断"),
    ]

    def prepare(self, actor) -> None:
        self.existing = set(Region.objects.values_list("code", flat=True))
        self.in_file: set[str] = set()
        self.pending_parents: list[tuple[int, str, str]] = []

    def clean_row(self, raw: dict, row: int) -> dict:
        problems = []
        code = regioncodes.canonical_code(clean_code(raw["code"]))
        if code is None:
            problems.append(("区划代码", raw["code"], "区划代码应为6位、9位或12位数字"))
        name = clean_text(raw["name"])
        if not name:
            problems.append(("名称", raw["name"], "名称不能为空"))
        parent_code = ""
        if raw.get("parent_code") not in (None, ""):
            parent_code = regioncodes.canonical_code(clean_code(raw["parent_code"])) or ""
            if not parent_code:
                problems.append(("上级区划代码", raw["parent_code"], "上级区划代码应为6位、9位或12位数字"))
        if problems:
            raise RowInvalid(problems)
        level = regioncodes.level_of(code)
        self.in_file.add(code)
        return {"code": code, "name": name, "parent_code": parent_code, "level": level}

    def apply(self, actor, rows, progress=None):
        # Parents may appear anywhere in the file, so they are checked once all rows are read.
        known = self.existing | self.in_file
        problems = []
        for row in rows:
            if row["level"] == RegionLevel.PROVINCE or row["code"] in self.existing:
                continue
            if row["parent_code"]:
                if row["parent_code"] not in known:
                    problems.append((row["_row"], row["parent_code"]))
            elif not any(c in known for c in regioncodes.parent_candidates(row["code"])):
                problems.append((row["_row"], row["code"]))
        if problems:
            from django.core.exceptions import ValidationError

            raise ValidationError(
                [f"第 {r} 行:找不到上级区划({c}),上级须已存在或在同一文件中" for r, c in problems[:200]]
            )
        return services.regions_import(actor=actor, rows=rows)


HOLIDAY_KINDS = {
    "法定节假日": HolidayKind.HOLIDAY, "节假日": HolidayKind.HOLIDAY, "假日": HolidayKind.HOLIDAY,
    "休息": HolidayKind.HOLIDAY, "放假": HolidayKind.HOLIDAY, "holiday": HolidayKind.HOLIDAY,
    "调休上班日": HolidayKind.WORKDAY, "调休": HolidayKind.WORKDAY, "上班": HolidayKind.WORKDAY,
    "补班": HolidayKind.WORKDAY, "工作日": HolidayKind.WORKDAY, "workday": HolidayKind.WORKDAY,
}


class HolidayImporter(Importer):
    name = "节假日"
    key = "date"
    columns = [
        Column("date", "日期", aliases=("date",), help="如 2027-02-06 或 2027年2月6日"),
        Column("kind", "类型", aliases=("kind",), help="法定节假日 / 调休上班日"),
        Column("name", "名称", required=False, aliases=("节日", "name"), help="如 春节"),
    ]

    def clean_row(self, raw: dict, row: int) -> dict:
        problems = []
        date = None
        try:
            date = parse_date(raw["date"])
        except DateParseError as exc:
            problems.append(("日期", raw["date"], str(exc)))
        kind = HOLIDAY_KINDS.get(clean_text(raw["kind"]).lower())
        if kind is None:
            problems.append(("类型", raw["kind"], "类型应为“法定节假日”或“调休上班日”"))
        if problems:
            raise RowInvalid(problems)
        return {"date": date, "kind": kind, "name": clean_text(raw.get("name"))[:50]}

    def apply(self, actor, rows, progress=None):
        return services.holidays_import(actor=actor, rows=rows)


class DepartmentImporter(Importer):
    name = "部门"
    key = "key"
    columns = [
        Column("name", "部门名称", aliases=("名称", "部门"), help="如 明州市发改委"),
        Column("short_name", "简称", required=False, help="可空"),
        Column("region_code", "所属区划代码", aliases=("区划代码",), help="如 990100"),
    ]

    def prepare(self, actor) -> None:
        self.regions = {r.code: r for r in Region.objects.restrict(actor, "change")}

    def clean_row(self, raw: dict, row: int) -> dict:
        problems = []
        name = clean_text(raw["name"])
        if not name:
            problems.append(("部门名称", raw["name"], "部门名称不能为空"))
        code = clean_code(raw["region_code"])
        region = self.regions.get(code)
        if region is None:
            problems.append(("所属区划代码", raw["region_code"], "区划代码不存在或不在您的管辖范围内"))
        if problems:
            raise RowInvalid(problems)
        return {"key": f"{code}/{name}", "name": name, "short_name": clean_text(raw.get("short_name"))[:50],
                "region": region}

    def apply(self, actor, rows, progress=None):
        return services.departments_import(actor=actor, rows=rows)


ROLE_BY_LABEL = {**{label: value for value, label in Role.choices}, **{value: value for value in Role.values},
                 "督查员": Role.SUPERVISOR, "联络员": Role.LIAISON, "评估员": Role.EVALUATOR, "管理员": Role.ADMIN}


class UserImporter(Importer):
    name = "用户"
    key = "username"
    columns = [
        Column("username", "用户名", aliases=("账号",), help="登录名,已存在的用户会被更新"),
        Column("full_name", "姓名"),
        Column("role", "角色", help="系统管理员/督查人员/部门联络员/巡查员/第三方评估员/领导/企业用户"),
        Column("region_code", "所属区划代码", required=False, aliases=("区划代码",), help="部门联络员可空(取部门所在区划)"),
        Column("department", "所属部门", required=False, aliases=("部门",), help="部门联络员必填,填部门全称"),
        Column("enterprise_code", "企业信用代码", required=False, aliases=("统一社会信用代码",), help="企业用户必填"),
        Column("phone", "手机号", required=False),
        Column("password", "初始密码", required=False, help="新用户必填;已存在的用户不修改密码"),
    ]

    def prepare(self, actor) -> None:
        self.regions = {r.code: r for r in Region.objects.restrict(actor, "change")}
        self.departments: dict[str, list] = {}
        for d in Department.objects.restrict(actor, "view").select_related("region"):
            self.departments.setdefault(d.name, []).append(d)
        self.existing = set(User.objects.values_list("username", flat=True))

    def clean_row(self, raw: dict, row: int) -> dict:
        from django.contrib.auth import password_validation
        from django.core.exceptions import ValidationError

        problems = []
        username = clean_text(raw["username"])
        if not username:
            problems.append(("用户名", raw["username"], "用户名不能为空"))
        role = ROLE_BY_LABEL.get(clean_text(raw["role"]))
        if role is None:
            problems.append(("角色", raw["role"], "角色不存在,应为:" + "、".join(Role.labels)))
        region = None
        if raw.get("region_code") not in (None, ""):
            region = self.regions.get(clean_code(raw["region_code"]))
            if region is None:
                problems.append(("所属区划代码", raw["region_code"], "区划代码不存在或不在您的管辖范围内"))
        department = None
        if raw.get("department") not in (None, ""):
            matches = self.departments.get(clean_text(raw["department"]), [])
            if region is not None:
                matches = [d for d in matches if d.region_id == region.pk] or matches
            if len(matches) != 1:
                problems.append(("所属部门", raw["department"], "部门不存在" if not matches else "部门名称重复,请填写所属区划代码"))
            else:
                department = matches[0]
                region = region or department.region
        if role == Role.LIAISON and department is None and not any(p[0] == "所属部门" for p in problems):
            problems.append(("所属部门", raw.get("department"), "部门联络员必须填写所属部门"))
        if role not in (Role.ENTERPRISE, None) and region is None and not any(p[0] == "所属区划代码" for p in problems):
            problems.append(("所属区划代码", raw.get("region_code"), "请填写所属区划代码"))
        enterprise_code = clean_code(raw.get("enterprise_code"))
        if role == Role.ENTERPRISE and credit_code_problem(enterprise_code):
            problems.append(("企业信用代码", raw.get("enterprise_code"), credit_code_problem(enterprise_code)))
        phone = clean_code(raw.get("phone"))
        if phone and phone_problem(phone):
            problems.append(("手机号", raw.get("phone"), phone_problem(phone)))
        password = str(raw.get("password") or "")
        if username and username not in self.existing:
            if not password:
                problems.append(("初始密码", "", "新用户必须设置初始密码"))
            else:
                try:
                    password_validation.validate_password(password)
                except ValidationError as exc:
                    problems.append(("初始密码", "******", ";".join(exc.messages)))
        if problems:
            raise RowInvalid(problems)
        return {"username": username, "full_name": clean_text(raw["full_name"]), "role": role, "region": region,
                "department": department, "enterprise_code": enterprise_code, "phone": phone, "password": password}

    def apply(self, actor, rows, progress=None):
        return services.users_import(actor=actor, rows=rows)
