"""Importers for platform records: the region list and the holiday table."""

from ducha.core import regioncodes, services
from ducha.core.choices import HolidayKind, RegionLevel
from ducha.core.dates import DateParseError, parse_date
from ducha.core.imports import Column, Importer, RowInvalid
from ducha.core.models import Region
from ducha.core.text import clean_code, clean_text


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


IMPORTERS = {"regions": RegionImporter, "holidays": HolidayImporter}
