"""The standard rectification table (问题描述 / 责任部门 / 整改措施 / 完成时限 / 验收标准):
import through an ``Importer`` and export in the same columns (round trip)."""

from django.core.exceptions import PermissionDenied, ValidationError

from ducha.core.dates import DateParseError, parse_date
from ducha.core.imports import Column, Importer, RowInvalid
from ducha.core.models import Department, Region
from ducha.core.scope import VIEW
from ducha.core.text import clean_code, clean_text
from ducha.problems import services
from ducha.problems.choices import SUPERVISE, Category, Nature, Severity, SourceKind, SubjectKind
from ducha.problems.models import Problem

HEADERS = ["问题描述", "责任部门", "整改措施", "完成时限", "验收标准", "问题标题", "所属区划代码", "问题类别", "共性/个性", "严重程度",
           "责任人", "来源", "来源名称", "发现日期", "量化目标"]


def _by_label(choices) -> dict:
    return {label: value for value, label in choices.choices} | {value: value for value in choices.values}


class ProblemImporter(Importer):
    name = "问题整改责任清单"
    columns = [
        Column("description", "问题描述", aliases=("问题", "存在问题"), help="必填"),
        Column("department", "责任部门", aliases=("牵头部门", "责任单位"), help="部门全称,如 明州市发改委"),
        Column("measures", "整改措施", help="必填"),
        Column("deadline", "完成时限", aliases=("整改时限", "完成时间"), help="如 2026-06-30"),
        Column("acceptance_criterion", "验收标准", help="必填"),
        Column("title", "问题标题", required=False),
        Column("region_code", "所属区划代码", required=False, aliases=("区划代码",), help="可空,取责任部门所在区划"),
        Column("category", "问题类别", required=False, help="执行偏差/设计缺陷/外部变化,默认执行偏差"),
        Column("nature", "共性/个性", required=False, aliases=("问题性质",), help="默认共性;个性须填责任人"),
        Column("severity", "严重程度", required=False, help="一般/较大/重大,默认一般"),
        Column("responsible_person", "责任人", required=False),
        Column("source_kind", "来源", required=False, help="巡查/评估/转发督导/分析研判/热线/投诉/人工录入"),
        Column("source_title", "来源名称", required=False),
        Column("raised_on", "发现日期", required=False, help="默认今天"),
        Column("target", "量化目标", required=False),
    ]

    def prepare(self, actor) -> None:
        if actor is not None and actor.role not in SUPERVISE:
            raise PermissionDenied("只有督查人员可以导入问题")
        departments = Department.objects.restrict(actor, VIEW).select_related("region")
        self.departments: dict[str, list[Department]] = {}
        for d in departments:
            self.departments.setdefault(d.name, []).append(d)
            if d.short_name:
                self.departments.setdefault(d.short_name, []).append(d)
        self.regions = {r.code: r for r in Region.objects.restrict(actor, VIEW)}
        self.sources = _by_label(SourceKind) | {"热线": SourceKind.HOTLINE, "投诉": SourceKind.HOTLINE,
                                                "12345": SourceKind.HOTLINE, "": SourceKind.MANUAL}

    def clean_row(self, raw: dict, row: int) -> dict:
        problems = []

        def text(key, label, required=True, newlines=True):
            value = clean_text(raw.get(key), keep_newlines=newlines)
            if required and not value:
                problems.append((label, raw.get(key), f"{label}不能为空"))
            return value

        description = text("description", "问题描述")
        measures = text("measures", "整改措施")
        criterion = text("acceptance_criterion", "验收标准")
        dept_name = clean_text(raw.get("department"))
        region_code = clean_code(raw.get("region_code"))
        region = self.regions.get(region_code) if region_code else None
        if region_code and region is None:
            problems.append(("所属区划代码", raw.get("region_code"), "区划代码不存在或不在您的管辖范围内"))
        candidates = self.departments.get(dept_name, [])
        if region is not None and len(candidates) > 1:
            candidates = [d for d in candidates if d.region_id == region.pk] or candidates
        department = None
        if not dept_name:
            problems.append(("责任部门", raw.get("department"), "责任部门不能为空"))
        elif not candidates:
            problems.append(("责任部门", dept_name, "找不到该部门,或该部门不在您的管辖范围内"))
        elif len(candidates) > 1:
            problems.append(("责任部门", dept_name, "有多个同名部门,请填写所属区划代码"))
        else:
            department = candidates[0]
        choices = {}
        for key, label, enum, default in (("category", "问题类别", Category, Category.EXECUTION),
                                          ("nature", "共性/个性", Nature, Nature.COMMON),
                                          ("severity", "严重程度", Severity, Severity.ORDINARY)):
            value = clean_text(raw.get(key))
            mapping = _by_label(enum) | {v.rstrip("类"): k for v, k in _by_label(enum).items()}
            if value and value.rstrip("类") not in mapping:
                problems.append((label, value, f"应为:{'/'.join(enum.labels)}"))
            choices[key] = mapping.get(value.rstrip("类"), default) if value else default
        source_kind = self.sources.get(clean_text(raw.get("source_kind")))
        if source_kind is None:
            problems.append(("来源", raw.get("source_kind"), "来源类型不正确"))
        dates = {}
        for key, label in (("deadline", "完成时限"), ("raised_on", "发现日期")):
            if key == "raised_on" and raw.get(key) in (None, ""):
                dates[key] = None
                continue
            try:
                dates[key] = parse_date(raw.get(key))
            except DateParseError as exc:
                problems.append((label, raw.get(key), str(exc)))
        if dates.get("deadline") and dates.get("raised_on") and dates["deadline"] < dates["raised_on"]:
            problems.append(("完成时限", raw.get("deadline"), "完成时限不能早于发现日期"))
        person = text("responsible_person", "责任人", required=False, newlines=False)
        if choices["nature"] == Nature.INDIVIDUAL and not person:
            problems.append(("责任人", "", "个性问题须填写具体责任人"))
        if problems:
            raise RowInvalid(problems)
        return {
            "description": description, "measures": measures, "acceptance_criterion": criterion,
            "lead_department": department, "region": region or department.region,
            "title": text("title", "问题标题", required=False, newlines=False),
            "responsible_person": person, "source_kind": source_kind,
            "source_title": text("source_title", "来源名称", required=False, newlines=False),
            "target": text("target", "量化目标", required=False, newlines=False),
            "deadline": dates["deadline"], "raised_on": dates["raised_on"], "subject_kind": SubjectKind.DEPARTMENT,
            "subject_id": str(department.pk), "subject_label": department.name, **choices,
        }

    def apply(self, actor, rows, progress=None):
        try:
            return services.problems_import(actor=actor, rows=rows)
        except ValidationError as exc:
            messages = exc.messages
            raise ValidationError([f"写入失败,全部未导入:{m}" for m in messages]) from None


def export_rows(qs):
    qs = qs.select_related("lead_department", "region").order_by("number")
    return "问题整改责任清单", HEADERS, (
        (p.description, p.lead_department.name if p.lead_department else "", p.measures, p.deadline,
         p.acceptance_criterion, p.title, p.region.code, p.get_category_display(), p.get_nature_display(),
         p.get_severity_display(), p.responsible_person, p.get_source_kind_display(), p.source_title, p.raised_on,
         p.target) for p in qs.iterator())


def export_problems(actor):
    """Registered exporter (CLI ``ducha export problems``): the actor's whole ledger."""
    return export_rows(Problem.objects.restrict(actor, VIEW).exclude(status__in=["merged", "withdrawn"]))
