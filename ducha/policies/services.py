"""Write paths of the policy library. Each is one transaction that appends an audit entry
and keeps the policy's search terms current."""

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ducha.core import search
from ducha.core.audit import audit_record, diff, snapshot
from ducha.core.bulk import rows_in
from ducha.core.dates import DateParseError, parse_date
from ducha.core.models import Department, Region
from ducha.core.scope import CHANGE, VIEW, in_scope
from ducha.core.text import clean_code, clean_text
from ducha.enterprises.models import Enterprise
from ducha.policies.choices import DeliveryMethod, LinkStatus, PolicyCategory, PolicyLevel
from ducha.policies.models import Policy, PolicyAttachment, PolicyEnterprise, PolicyPoint, PolicyTerm

FIELDS = ["doc_number", "title", "issuer", "issued_on", "effective_from", "effective_to", "level", "category",
          "applicable_scope", "region", "lead_department", "delivery_method", "body"]
EDITABLE = [f for f in FIELDS if f != "doc_number"]
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
POINT_SPLIT = re.compile(r"\n+")
POINT_NUMBER = re.compile(r"^\s*(?:\d{1,3}|[一二三四五六七八九十]{1,3})[.、.))]\s*")
DEPT_SPLIT = re.compile(r"[、,,;;\n]+")


def _choice(enum, value) -> str | None:
    text = clean_text(value)
    for v, label in enum.choices:
        if text in (v, label):
            return v
    return None


class Lookups:
    """Regions (by code) and departments (by name) a policy may refer to, loaded once."""

    def __init__(self, actor):
        qs = Region.objects.all() if actor is None else Region.objects.restrict(actor, VIEW)
        self.regions = {r.code: r for r in qs}
        self.departments: dict[str, list[Department]] = defaultdict(list)
        for d in Department.objects.select_related("region"):
            self.departments[d.name].append(d)

    def department(self, name: str, region: Region | None) -> tuple[Department | None, str]:
        found = self.departments.get(name, [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f"部门“{name}”不存在"
        if region is not None:
            same = [d for d in found if d.region_id == region.pk]
            if len(same) == 1:
                return same[0], ""
        return None, f"部门名称“{name}”不唯一,请在区划与部门中核对"


def parse_points(value) -> list[str]:
    if isinstance(value, list | tuple):
        items = value
    else:
        items = POINT_SPLIT.split(clean_text(value, keep_newlines=True))
    return [p for p in (POINT_NUMBER.sub("", clean_text(i)) for i in items) if p]


def policy_clean(raw: dict, *, lookups: Lookups) -> tuple[dict, list[tuple[str, object, str]]]:
    """Normalise one policy's fields. Returns (data, problems: (field, value, reason))."""
    problems = []
    data: dict = {}
    data["doc_number"] = clean_text(raw.get("doc_number")).replace(" ", "")[:100]
    if not data["doc_number"]:
        problems.append(("doc_number", raw.get("doc_number"), "文号不能为空"))
    data["title"] = clean_text(raw.get("title"))[:300]
    if not data["title"]:
        problems.append(("title", raw.get("title"), "标题不能为空"))
    data["issuer"] = clean_text(raw.get("issuer"))[:200]
    if not data["issuer"]:
        problems.append(("issuer", raw.get("issuer"), "发文机关不能为空"))
    for field, label, required in (("issued_on", "发布日期", True), ("effective_from", "生效日期", True),
                                   ("effective_to", "失效日期", False)):
        value = raw.get(field)
        data[field] = None
        if value in (None, "") and not required:
            continue
        try:
            data[field] = parse_date(value)
        except DateParseError as exc:
            problems.append((field, value, f"{label}:{exc}"))
    if data["effective_from"] and data["effective_to"] and data["effective_to"] < data["effective_from"]:
        problems.append(("effective_to", raw.get("effective_to"), "失效日期不能早于生效日期"))
    for field, enum, label in (("level", PolicyLevel, "层级应为 国家、省、市、县 之一"),
                               ("category", PolicyCategory, "政策类别应为 " + "、".join(PolicyCategory.labels) + " 之一"),
                               ("delivery_method", DeliveryMethod,
                                "兑现方式应为 " + "、".join(DeliveryMethod.labels) + " 之一")):
        data[field] = _choice(enum, raw.get(field)) or ""
        if not data[field]:
            problems.append((field, raw.get(field), label))
    data["applicable_scope"] = clean_text(raw.get("applicable_scope"), keep_newlines=True)
    code = clean_code(raw.get("region_code"))
    data["region"] = lookups.regions.get(code)
    if data["region"] is None:
        problems.append(("region_code", raw.get("region_code"),
                         "发文区划代码不能为空" if not code else f"区划代码 {code} 不存在或不在您的管辖范围内"))
    lead_name = clean_text(raw.get("lead_department"))
    data["lead_department"] = None
    if not lead_name:
        problems.append(("lead_department", raw.get("lead_department"), "牵头部门不能为空"))
    else:
        dept, reason = lookups.department(lead_name, data["region"])
        data["lead_department"] = dept
        if dept is None:
            problems.append(("lead_department", lead_name, reason))
    data["cooperating"] = []
    for name in [n for n in (clean_text(x) for x in DEPT_SPLIT.split(clean_text(raw.get("cooperating"))
                                                                          if raw.get("cooperating") else "")) if n]:
        dept, reason = lookups.department(name, data["region"])
        if dept is None:
            problems.append(("cooperating", name, reason))
        elif dept not in data["cooperating"] and dept != data["lead_department"]:
            data["cooperating"].append(dept)
    data["body"] = clean_text(raw.get("body"), keep_newlines=True)
    data["points"] = parse_points(raw.get("points"))
    return data, problems


def policy_terms(policy: Policy | dict, points: list[str]) -> dict[str, int]:
    get = policy.get if isinstance(policy, dict) else (lambda k: getattr(policy, k))
    return search.weighted_terms([(get("title"), 10), (get("doc_number"), 8), ("\n".join(points), 3),
                                  (get("issuer"), 2), (get("body"), 1)])


def _raise(problems):
    errors: dict[str, list[str]] = {}
    for field, _value, reason in problems:
        errors.setdefault(field, []).append(reason)
    raise ValidationError(errors)


def check_can_write(actor) -> None:
    if actor is not None and actor.role not in Policy.scope.change_roles:
        raise PermissionDenied("当前角色无权维护政策库")


def _write_points(policy: Policy, points: list[str]) -> None:
    PolicyPoint.objects.filter(policy=policy).delete()
    PolicyPoint.objects.bulk_create([PolicyPoint(policy=policy, seq=i, text=t) for i, t in enumerate(points, 1)])


def _snapshot(policy: Policy, points: list[str], cooperating: list[Department]) -> dict:
    snap = snapshot(policy, FIELDS)
    snap["cooperating"] = sorted(d.pk for d in cooperating)
    snap["points"] = points
    return snap


@transaction.atomic
def policy_create(*, actor, **fields) -> Policy:
    """Register a policy. ``fields`` are raw values (region by code, departments by name)."""
    check_can_write(actor)
    data, problems = policy_clean(fields, lookups=Lookups(actor))
    if not problems and Policy.objects.filter(doc_number=data["doc_number"]).exists():
        problems.append(("doc_number", data["doc_number"], "该文号已登记"))
    if problems:
        _raise(problems)
    points, cooperating = data.pop("points"), data.pop("cooperating")
    policy = Policy(**data)
    policy.save()
    policy.cooperating_departments.set(cooperating)
    _write_points(policy, points)
    search.rebuild_terms(PolicyTerm, {policy.pk: policy_terms(policy, points)}, fresh=True)
    audit_record(actor=actor, action="policy.create", obj=policy, changes=diff(None, _snapshot(policy, points, cooperating)))
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, **fields) -> Policy:
    """Change a policy; the 文号 is its key and never changes."""
    if not in_scope(policy, actor, CHANGE):
        raise PermissionDenied("无权修改该政策")
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    data, problems = policy_clean({**fields, "doc_number": policy.doc_number}, lookups=Lookups(actor))
    if problems:
        _raise(problems)
    old_points = list(policy.points.values_list("text", flat=True))
    old_coop = list(policy.cooperating_departments.all())
    before = _snapshot(policy, old_points, old_coop)
    points, cooperating = data.pop("points"), data.pop("cooperating")
    for name in EDITABLE:
        setattr(policy, name, data[name])
    changes = diff(before, _snapshot(policy, points, cooperating))
    if changes:
        policy.save(update_fields=[*EDITABLE, "updated_at"])
        policy.cooperating_departments.set(cooperating)
        if points != old_points:
            _write_points(policy, points)
        search.rebuild_terms(PolicyTerm, {policy.pk: policy_terms(policy, points)})
        audit_record(actor=actor, action="policy.update", obj=policy, changes=changes)
    return policy


IMPORT_BATCH = 1000


@transaction.atomic
def policies_import(*, actor, rows: list[dict], progress: Callable | None = None) -> dict:
    """Create or update policies in bulk, keyed by 文号 (rows already cleaned); one audit entry."""
    check_can_write(actor)
    total = len(rows)
    numbers = [r["doc_number"] for r in rows]
    existing = {p.doc_number: p for p in rows_in(Policy.objects.all(), "doc_number", numbers)}
    if actor is not None and existing:
        allowed = set(Policy.objects.restrict(actor, CHANGE).filter(pk__in=[p.pk for p in existing.values()])
                      .values_list("pk", flat=True))
        outside = [p.doc_number for p in existing.values() if p.pk not in allowed]
        if outside:
            raise ValidationError([f"文号 {n} 的政策不在您的管辖范围内,无权更新" for n in outside[:50]])
    old_points: dict[int, list[str]] = defaultdict(list)
    old_coop: dict[int, list[int]] = defaultdict(list)
    ids = [p.pk for p in existing.values()]
    through = Policy.cooperating_departments.through
    for pid, text in rows_in(PolicyPoint.objects.order_by("seq").values_list("policy_id", "text"), "policy_id", ids):
        old_points[pid].append(text)
    for pid, did in rows_in(through.objects.values_list("policy_id", "department_id"), "policy_id", ids):
        old_coop[pid].append(did)
    to_create, to_update, changed_rows = [], [], []
    unchanged = 0
    for row in rows:
        data = {k: row[k] for k in FIELDS}
        current = existing.get(row["doc_number"])
        coop_ids = sorted(d.pk for d in row["cooperating"])
        if current is None:
            obj = Policy(**data)
            to_create.append(obj)
            changed_rows.append((obj, row))
            continue
        changed = (row["points"] != old_points[current.pk]) or coop_ids != sorted(old_coop[current.pk])
        for name in EDITABLE:
            new, old = data[name], getattr(current, name)
            if (old.pk if hasattr(old, "pk") else old) != (new.pk if hasattr(new, "pk") else new):
                setattr(current, name, new)
                changed = True
        if changed:
            to_update.append(current)
            changed_rows.append((current, row))
        else:
            unchanged += 1
    done = 0
    for i in range(0, len(to_create), IMPORT_BATCH):
        Policy.objects.bulk_create(to_create[i:i + IMPORT_BATCH])
        done += len(to_create[i:i + IMPORT_BATCH])
        if progress:
            progress(done, total, "写入新政策")
    if to_create and to_create[0].pk is None:
        got = dict(Policy.objects.filter(doc_number__in=[p.doc_number for p in to_create]).values_list("doc_number", "pk"))
        for p in to_create:
            p.pk = got[p.doc_number]
    for i in range(0, len(to_update), IMPORT_BATCH):
        Policy.objects.bulk_update(to_update[i:i + IMPORT_BATCH], EDITABLE)
        done += len(to_update[i:i + IMPORT_BATCH])
        if progress:
            progress(done, total, "更新已有政策")
    created = {p.pk for p in to_create}
    for i in range(0, len(changed_rows), IMPORT_BATCH):
        chunk = changed_rows[i:i + IMPORT_BATCH]
        pids = [p.pk for p, _ in chunk]
        fresh = all(p.pk in created for p, _ in chunk)
        if not fresh:
            PolicyPoint.objects.filter(policy_id__in=pids).delete()
            through.objects.filter(policy_id__in=pids).delete()
        PolicyPoint.objects.bulk_create([PolicyPoint(policy_id=p.pk, seq=n, text=t)
                                         for p, row in chunk for n, t in enumerate(row["points"], 1)])
        through.objects.bulk_create([through(policy_id=p.pk, department_id=d.pk) for p, row in chunk
                                     for d in row["cooperating"]])
        search.rebuild_terms(PolicyTerm, {p.pk: policy_terms(p, row["points"]) for p, row in chunk}, fresh=fresh)
        if progress:
            progress(done, total, f"更新要点与检索索引 {i + len(chunk)}/{len(changed_rows)}")
    result = {"created": len(to_create), "updated": len(to_update), "unchanged": unchanged, "rows": total}
    audit_record(actor=actor, action="policy.import", object_type="policies.policy",
                 object_repr=f"导入政策 {total} 行",
                 changes={**result, "created_numbers": [p.doc_number for p in to_create[:1000]],
                          "updated_numbers": [p.doc_number for p in to_update[:1000]]})
    if progress:
        progress(total, total, "完成")
    return result


@transaction.atomic
def policy_attachment_add(*, actor, policy: Policy, upload) -> PolicyAttachment:
    """Store a file with its SHA-256 (evidence integrity: DESIGN "Integrity")."""
    if not in_scope(policy, actor, CHANGE):
        raise PermissionDenied("无权修改该政策")
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": f"附件不能超过 {MAX_ATTACHMENT_BYTES // 1048576} MB"})
    if upload.size == 0:
        raise ValidationError({"file": "附件为空文件"})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = clean_text(upload.name)[-200:] or "附件"
    attachment = PolicyAttachment(policy=policy, name=name, sha256=digest.hexdigest(), size=upload.size,
                                  uploaded_by=actor if getattr(actor, "pk", None) else None)
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_record(actor=actor, action="policy.attach", obj=policy,
                 changes={"attachment": [None, name], "sha256": [None, attachment.sha256], "size": [None, upload.size]})
    return attachment


@transaction.atomic
def policy_enterprise_set(*, actor, policy: Policy, enterprise: Enterprise, status: str) -> PolicyEnterprise | None:
    """Put an enterprise on a policy's list (符合政策条件/已申报/已享受); status "" removes it."""
    if not in_scope(enterprise, actor, CHANGE):
        raise PermissionDenied("无权修改该市场主体")
    if status and status not in LinkStatus.values:
        raise ValidationError({"status": "状态应为 符合政策条件、已申报、已享受 之一"})
    link = PolicyEnterprise.objects.select_for_update().filter(policy=policy, enterprise=enterprise).first()
    before = link.status if link else None
    if (before or "") == status:
        return link
    if not status:
        link.delete()
        link = None
    elif link is None:
        link = PolicyEnterprise(policy=policy, enterprise=enterprise, status=status)
        link.save()
    else:
        link.status = status
        link.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="policy.enterprise_set", obj=enterprise,
                 changes={"policy": [None, policy.doc_number], "status": [before, status or None]})
    return link


@transaction.atomic
def policy_enterprises_import(*, actor, rows: list[dict], progress: Callable | None = None) -> dict:
    """Set enterprises' places on policy lists in bulk: rows of (policy, enterprise, status),
    already checked to be visible policies and enterprises the actor may change. One audit entry."""
    policy_ids = sorted({r["policy"].pk for r in rows})
    existing = {(link.policy_id, link.enterprise_id): link
                for link in rows_in(PolicyEnterprise.objects.all(), "policy_id", policy_ids)}
    to_create, to_update = [], []
    for row in rows:
        link = existing.get((row["policy"].pk, row["enterprise"].pk))
        if link is None:
            to_create.append(PolicyEnterprise(policy=row["policy"], enterprise=row["enterprise"], status=row["status"]))
        elif link.status != row["status"]:
            link.status = row["status"]
            to_update.append(link)
    PolicyEnterprise.objects.bulk_create(to_create, batch_size=2000)
    PolicyEnterprise.objects.bulk_update(to_update, ["status", "updated_at"], batch_size=2000)
    result = {"created": len(to_create), "updated": len(to_update),
              "unchanged": len(rows) - len(to_create) - len(to_update), "rows": len(rows)}
    audit_record(actor=actor, action="policy.enterprises_import", object_type="policies.policyenterprise",
                 object_repr=f"导入政策享受名单 {len(rows)} 行",
                 changes={**result, "pairs": [f"{r['policy'].doc_number}/{r['enterprise'].credit_code}:{r['status']}"
                                              for r in rows[:500]]})
    if progress:
        progress(len(rows), len(rows), "完成")
    return result


def rebuild_index(*, progress: Callable | None = None) -> int:
    """Recompute every policy's search terms."""
    ids = list(Policy.objects.values_list("pk", flat=True))
    done = 0
    for i in range(0, len(ids), 500):
        with transaction.atomic():
            chunk = Policy.objects.filter(pk__in=ids[i:i + 500]).prefetch_related("points")
            search.rebuild_terms(PolicyTerm, {p.pk: policy_terms(p, [x.text for x in p.points.all()]) for p in chunk})
        done += len(ids[i:i + 500])
        if progress:
            progress(done, len(ids), "重建检索索引")
    return done
