"""The append-only, hash-chained audit trail.

Each entry's hash is SHA-256 over a canonical JSON of its content plus the previous
entry's hash. Appends lock the single ``AuditHead`` row, so the chain has one order
even with concurrent writers (on SQLite, IMMEDIATE transactions already serialise).
"""

import datetime as dt
import decimal
import hashlib
import json
from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from ducha.core.context import current_source
from ducha.core.models import AuditEntry, AuditHead

GENESIS = "0" * 64

# Chinese names of the verbs in action codes ("<noun>.<verb>"); modules add theirs.
ACTION_VERBS = {
    "create": "新增", "update": "修改", "delete": "删除", "import": "导入", "export": "导出", "set": "设置",
    "login": "登录", "login_failed": "登录失败", "set_password": "重置密码", "unlock": "解除锁定",
    "send": "发送", "read": "标为已读", "revoke": "吊销", "succeed": "完成", "fail": "失败", "raise": "登记",
    "assign": "分派", "start": "开始整改", "progress": "报送进展", "request_close": "申请销号",
    "start_recheck": "开始复查", "recheck_pass": "复查通过", "recheck_fail": "复查未通过", "close": "销号",
    "lookback": "回头看", "consolidate": "巩固", "rebound": "反弹", "reopen": "重新整改", "appeal": "申诉",
    "postpone": "暂缓", "merge": "合并", "reindex": "重建索引",
}


def _plain(value):
    """A JSON-safe, stable rendering of a field value for the changes record."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def snapshot(obj, fields) -> dict:
    """Field values of ``obj`` (foreign keys by id) in a form fit for the audit record."""
    out = {}
    for name in fields:
        field = obj._meta.get_field(name)
        attname = getattr(field, "attname", name)
        out[name] = _plain(getattr(obj, attname))
    return out


def diff(before: dict | None, after: dict | None) -> dict:
    """{field: [before, after]} for fields that differ; a create has before None."""
    before = before or {}
    after = after or {}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def _canonical(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(*, seq, at, actor_id, actor_name, action, object_type, object_id, object_repr,
               changes_json, source, source_detail, prev_hash) -> str:
    content = _canonical(
        [
            seq,
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_name,
            action,
            object_type,
            object_id,
            object_repr,
            changes_json,
            source,
            source_detail,
            prev_hash,
        ]
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def audit_record(*, actor, action: str, obj=None, object_type: str = "", object_id="", object_repr: str = "",
                 changes: dict | None = None) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction (the service's)."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    kind, detail = current_source()
    actor_obj = actor if getattr(actor, "pk", None) else None
    # No savepoint: the entry belongs to the caller's transaction and fails with it.
    with transaction.atomic(savepoint=False):
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:  # only before migration 0002 has run
            head = AuditHead.objects.create(pk=1)
        seq = head.seq + 1
        at = timezone.now()
        fields = dict(
            seq=seq,
            at=at,
            actor_id=actor_obj.pk if actor_obj else None,
            actor_name=(actor_obj.get_username() if actor_obj else (str(actor) if actor else "系统")),
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            object_repr=str(object_repr)[:200],
            changes_json=_canonical(_plain(changes or {})),
            source=kind,
            source_detail=detail,
            prev_hash=head.hash,
        )
        digest = entry_hash(**fields)
        entry = AuditEntry.objects.create(hash=digest, **fields)
        AuditHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return entry


def audit_changes(*, actor, action: str, obj, before: dict, fields) -> dict:
    """Append an entry for an update when anything in ``fields`` changed since ``before``."""
    changes = diff(before, snapshot(obj, fields))
    if changes:
        audit_record(actor=actor, action=action, obj=obj, changes=changes)
    return changes


@dataclass
class VerifyResult:
    ok: bool
    count: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def audit_verify(chunk: int = 2000) -> VerifyResult:
    """Walk the chain in order and report the first entry that was altered, removed or moved."""
    expected_seq = 1
    prev = GENESIS
    count = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=chunk):
        if entry.seq != expected_seq:
            return VerifyResult(False, count, expected_seq, entry.pk,
                                f"第 {expected_seq} 条记录缺失或顺序被改动(实际遇到第 {entry.seq} 条)")
        if entry.prev_hash != prev:
            return VerifyResult(False, count, entry.seq, entry.pk,
                                f"第 {entry.seq} 条记录的前序哈希不符:其前一条记录被删除、改动或调换")
        recomputed = entry_hash(
            seq=entry.seq, at=entry.at, actor_id=entry.actor_id, actor_name=entry.actor_name,
            action=entry.action, object_type=entry.object_type, object_id=entry.object_id,
            object_repr=entry.object_repr, changes_json=entry.changes_json, source=entry.source,
            source_detail=entry.source_detail, prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return VerifyResult(False, count, entry.seq, entry.pk, f"第 {entry.seq} 条记录的内容被改动")
        prev = entry.hash
        expected_seq += 1
        count += 1
    head = AuditHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != count or head_hash != prev:
        return VerifyResult(False, count, count + 1, None,
                            f"链尾不符:链头记录共 {head_seq} 条,实际可验证 {count} 条,末尾记录被删除或改动")
    return VerifyResult(True, count)


# Labels for keys that services record but that are not model fields (e.g. "note").
EXTRA_CHANGE_LABELS: dict[str, str] = {"created": "新增", "updated": "更新", "rows": "行数", "ids": "编号"}


def readable_history(entries) -> list[AuditEntry]:
    """Entries ready for a history panel: each gets ``_readable`` so that
    ``changes_display()`` shows choice labels instead of codes, names instead of ids
    and 是/否 for booleans. One query per related model; the stored entries (and their
    hashes) are untouched."""
    from django.apps import apps

    entries = list(entries)
    plans: dict[str, dict] = {}
    wanted: dict[type, set] = {}
    for entry in entries:
        if entry.object_type not in plans:
            plan = {}
            try:
                model = apps.get_model(entry.object_type) if "." in entry.object_type else None
            except LookupError:
                model = None
            for f in model._meta.concrete_fields if model else []:
                if f.choices:
                    plan[f.name] = ("choices", {str(k): str(v) for k, v in f.flatchoices})
                elif f.is_relation and f.related_model is not None:
                    plan[f.name] = ("fk", f.related_model)
                elif isinstance(f, models.BooleanField):
                    plan[f.name] = ("choices", {"True": "是", "False": "否"})
            plans[entry.object_type] = plan
        for key, value in entry.changes.items():
            kind = plans[entry.object_type].get(key)
            if kind and kind[0] == "fk":
                values = value if isinstance(value, list) else [value]
                wanted.setdefault(kind[1], set()).update(str(v) for v in values if v not in (None, ""))
    names = {m: {str(o.pk): str(o) for o in m._default_manager.filter(pk__in=list(ids))} for m, ids in wanted.items()}
    for entry in entries:
        readable = {}
        for key, (kind, data) in plans[entry.object_type].items():
            readable[key] = data if kind == "choices" else names.get(data, {})
        entry._readable = readable
    return entries


def history_for(obj):
    """Audit entries about one object, newest first."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
