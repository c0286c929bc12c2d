"""Write paths for the platform records. Each is one transaction that appends an audit entry.

Views, API endpoints, commands and imports call these; nothing else saves core models.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ducha.core import regioncodes
from ducha.core.audit import audit_changes, audit_record, diff, snapshot
from ducha.core.choices import HolidayKind, RegionLevel, Role
from ducha.core.models import ApiToken, Department, Holiday, Notification, Region, User
from ducha.core.permissions import require
from ducha.core.scope import CHANGE, in_scope
from ducha.core.text import clean_code, clean_text
from ducha.core.validators import credit_code_problem, phone_problem

REGION_FIELDS = ["code", "name", "level", "parent"]
DEPARTMENT_FIELDS = ["name", "short_name", "region", "is_active"]
USER_FIELDS = ["username", "full_name", "role", "region", "department", "enterprise_code", "phone", "is_active"]


class Conflict(Exception):
    """The record changed since the user loaded it; the message says so in Chinese."""


# ---------------------------------------------------------------- regions


def _check_region_write(actor, region: Region | None) -> None:
    require(actor, "regions.manage")
    if region is not None and not in_scope(region, actor, CHANGE):
        raise PermissionDenied("无权修改该区划")


def region_resolve(code: str, *, existing: dict[str, Region] | None = None) -> tuple[str, int, Region | None]:
    """Canonical code, level and parent for a new region; ValidationError when not usable."""
    canonical = regioncodes.canonical_code(clean_code(code))
    if canonical is None:
        raise ValidationError("区划代码应为6位、9位或12位数字", code="region_code")
    level = regioncodes.level_of(canonical)
    parent = None
    if level != RegionLevel.PROVINCE:
        for candidate in regioncodes.parent_candidates(canonical):
            parent = (existing or {}).get(candidate) or Region.objects.filter(code=candidate).first()
            if parent:
                break
        if parent is None:
            raise ValidationError(f"找不到上级区划(区划代码 {canonical} 的上级不存在)", code="region_parent")
    return canonical, level, parent


@transaction.atomic
def region_create(*, actor, code: str, name: str, parent_code: str = "") -> Region:
    _check_region_write(actor, None)
    name = clean_text(name)
    if not name:
        raise ValidationError("区划名称不能为空")
    canonical, level, parent = region_resolve(code)
    if parent_code:
        parent = Region.objects.filter(code=clean_code(parent_code)).first()
        if parent is None:
            raise ValidationError(f"上级区划代码 {parent_code} 不存在")
        if parent.level >= level:
            raise ValidationError("上级区划的层级必须高于本区划")
    if parent is not None and not in_scope(parent, actor, CHANGE):
        raise PermissionDenied("只能在本级及下级区划中新增")
    if parent is None and actor.region_id is not None:
        raise PermissionDenied("只能在本级及下级区划中新增")
    if Region.objects.filter(code=canonical).exists():
        raise ValidationError(f"区划代码 {canonical} 已存在")
    region = Region(code=canonical, name=name, level=level, parent=parent,
                    path=f"{parent.path if parent else '/'}{canonical}/")
    region.save()
    audit_record(actor=actor, action="region.create", obj=region, changes=diff(None, snapshot(region, REGION_FIELDS)))
    return region


@transaction.atomic
def region_update(*, actor, region: Region, name: str) -> Region:
    _check_region_write(actor, region)
    name = clean_text(name)
    if not name:
        raise ValidationError("区划名称不能为空")
    before = snapshot(region, REGION_FIELDS)
    region.name = name
    region.save(update_fields=["name"])
    audit_changes(actor=actor, action="region.update", obj=region, before=before, fields=REGION_FIELDS)
    return region


@transaction.atomic
def regions_import(*, actor, rows: list[dict]) -> dict:
    """Create or rename regions from parsed rows (code, name, optional parent_code).

    Rows are applied parents-first; the caller has already validated them with
    ``core.imports.validate_region_rows`` so this either writes all or raises.
    """
    require(actor, "regions.manage")
    created = updated = 0
    existing = {r.code: r for r in Region.objects.all()}
    for row in sorted(rows, key=lambda r: (len(r["code"]), r["code"])):
        region = existing.get(row["code"])
        if region is None:
            parent = existing.get(row["parent_code"]) if row.get("parent_code") else None
            if parent is None and row["level"] != RegionLevel.PROVINCE:
                for candidate in regioncodes.parent_candidates(row["code"]):
                    parent = existing.get(candidate)
                    if parent:
                        break
            region = Region(code=row["code"], name=row["name"], level=row["level"], parent=parent,
                            path=f"{parent.path if parent else '/'}{row['code']}/")
            region.save()
            existing[region.code] = region
            created += 1
        elif region.name != row["name"]:
            region.name = row["name"]
            region.save(update_fields=["name"])
            updated += 1
    audit_record(actor=actor, action="region.import", object_type="core.region",
                 object_repr=f"导入行政区划 {len(rows)} 行", changes={"created": created, "updated": updated})
    return {"created": created, "updated": updated, "rows": len(rows)}


# ---------------------------------------------------------------- departments


def _check_department(actor, *, name: str, region: Region | None) -> str:
    require(actor, "regions.manage")
    name = clean_text(name)
    if not name:
        raise ValidationError({"name": "部门名称不能为空"})
    if region is None:
        raise ValidationError({"region": "请选择所属区划"})
    if not in_scope(region, actor, CHANGE):
        raise PermissionDenied("只能在本级及下级区划中设置部门")
    return name


@transaction.atomic
def department_create(*, actor, name: str, region: Region, short_name: str = "") -> Department:
    name = _check_department(actor, name=name, region=region)
    if Department.objects.filter(region=region, name=name).exists():
        raise ValidationError({"name": f"{region.name}已有名为“{name}”的部门"})
    department = Department(name=name, short_name=clean_text(short_name), region=region)
    department.save()
    audit_record(actor=actor, action="department.create", obj=department,
                 changes=diff(None, snapshot(department, DEPARTMENT_FIELDS)))
    return department


@transaction.atomic
def department_update(*, actor, department: Department, name: str, region: Region, short_name: str = "",
                      is_active: bool = True) -> Department:
    if not in_scope(department, actor, CHANGE):
        raise PermissionDenied("无权修改该部门")
    name = _check_department(actor, name=name, region=region)
    if Department.objects.filter(region=region, name=name).exclude(pk=department.pk).exists():
        raise ValidationError({"name": f"{region.name}已有名为“{name}”的部门"})
    before = snapshot(department, DEPARTMENT_FIELDS)
    department.name, department.region, department.short_name = name, region, clean_text(short_name)
    department.is_active = is_active
    department.save(update_fields=["name", "region", "short_name", "is_active"])
    audit_changes(actor=actor, action="department.update", obj=department, before=before, fields=DEPARTMENT_FIELDS)
    return department


@transaction.atomic
def departments_import(*, actor, rows: list[dict]) -> dict:
    """Create departments, or update their short names, from checked rows (region, name, short_name)."""
    require(actor, "regions.manage")
    created = updated = 0
    for row in rows:
        if not in_scope(row["region"], actor, CHANGE):
            raise PermissionDenied(f"无权在{row['region'].name}设置部门")
        department = Department.objects.filter(region=row["region"], name=row["name"]).first()
        if department is None:
            department_create(actor=actor, name=row["name"], region=row["region"], short_name=row["short_name"])
            created += 1
        elif department.short_name != row["short_name"]:
            department_update(actor=actor, department=department, name=department.name, region=department.region,
                              short_name=row["short_name"], is_active=department.is_active)
            updated += 1
    return {"created": created, "updated": updated, "rows": len(rows)}


# ---------------------------------------------------------------- users


def _clean_user_fields(actor, *, role, region, department, enterprise_code, phone, user=None) -> dict:
    errors = {}
    if role not in Role.values:
        errors["role"] = "请选择有效的角色"
    enterprise_code = clean_code(enterprise_code)
    phone = clean_code(phone).replace("-", "-")
    if role == Role.LIAISON:
        if department is None:
            errors["department"] = "部门联络员必须属于一个部门"
        else:
            region = department.region
    elif role != Role.ENTERPRISE:
        department = department if role in (Role.INSPECTOR, Role.EVALUATOR) else None
    if role == Role.ENTERPRISE:
        problem = credit_code_problem(enterprise_code)
        if problem:
            errors["enterprise_code"] = problem
        department = None
    else:
        enterprise_code = ""
    if region is None and role != Role.ENTERPRISE:
        errors["region"] = "请选择所属区划"
    if phone and phone_problem(phone):
        errors["phone"] = phone_problem(phone)
    if errors:
        raise ValidationError(errors)
    if region is not None and not in_scope(region, actor, CHANGE):
        raise PermissionDenied("只能为本级及下级区划设置用户")
    return {"role": role, "region": region, "department": department, "enterprise_code": enterprise_code,
            "phone": phone}


@transaction.atomic
def user_create(*, actor, username: str, full_name: str, role: str, region: Region | None,
                department: Department | None = None, enterprise_code: str = "", phone: str = "",
                password: str) -> User:
    if actor is not None:
        require(actor, "users.manage")
    username = clean_text(username)
    if not username:
        raise ValidationError({"username": "用户名不能为空"})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    fields = _clean_user_fields(actor, role=role, region=region, department=department,
                                enterprise_code=enterprise_code, phone=phone) if actor is not None else {
        "role": role, "region": region, "department": department, "enterprise_code": enterprise_code, "phone": phone}
    user = User(username=username, full_name=clean_text(full_name), **fields)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": f"用户名“{username}”已被使用"}) from None
    audit_record(actor=actor, action="user.create", obj=user, changes=diff(None, snapshot(user, USER_FIELDS)))
    return user


@transaction.atomic
def user_update(*, actor, user: User, full_name: str, role: str, region: Region | None,
                department: Department | None = None, enterprise_code: str = "", phone: str = "",
                is_active: bool = True) -> User:
    require(actor, "users.manage")
    if not in_scope(user, actor, CHANGE):
        raise PermissionDenied("无权修改该用户")
    if user.pk == actor.pk and (not is_active or role != actor.role):
        raise ValidationError("不能停用自己或修改自己的角色")
    fields = _clean_user_fields(actor, role=role, region=region, department=department,
                                enterprise_code=enterprise_code, phone=phone, user=user)
    before = snapshot(user, USER_FIELDS)
    user.full_name = clean_text(full_name)
    for name, value in fields.items():
        setattr(user, name, value)
    user.is_active = is_active
    user.save(update_fields=["full_name", "role", "region", "department", "enterprise_code", "phone", "is_active"])
    audit_changes(actor=actor, action="user.update", obj=user, before=before, fields=USER_FIELDS)
    return user


@transaction.atomic
def users_import(*, actor, rows: list[dict]) -> dict:
    """Create users or update their details from checked rows; existing passwords are kept."""
    require(actor, "users.manage")
    created = updated = 0
    for row in rows:
        user = User.objects.filter(username=row["username"]).first()
        fields = {k: row[k] for k in ("full_name", "role", "region", "department", "enterprise_code", "phone")}
        if user is None:
            user_create(actor=actor, username=row["username"], password=row["password"], **fields)
            created += 1
        else:
            before = snapshot(user, USER_FIELDS)
            user_update(actor=actor, user=user, is_active=user.is_active, **fields)
            if snapshot(user, USER_FIELDS) != before:
                updated += 1
    return {"created": created, "updated": updated, "rows": len(rows)}


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    if actor.pk != user.pk:
        require(actor, "users.manage")
        if not in_scope(user, actor, CHANGE):
            raise PermissionDenied("无权修改该用户")
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user.set_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["password", "failed_logins", "locked_until"])
    audit_record(actor=actor, action="user.set_password", obj=user, changes={"password": ["***", "***"]})
    return user


def user_lock_state(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def user_login_failed(*, username: str) -> User | None:
    """Count a failed sign-in; lock the account after LOGIN_MAX_FAILURES in a row."""
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None:
        return None
    user.failed_logins += 1
    changes = {"failed_logins": [user.failed_logins - 1, user.failed_logins]}
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + dt.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.failed_logins = 0
        changes["locked_until"] = [None, user.locked_until]
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(actor=None, action="user.login_failed", obj=user, changes=changes)
    return user


@transaction.atomic
def user_login_succeeded(*, user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login = timezone.now()
    user.save(update_fields=["failed_logins", "locked_until", "last_login"])
    audit_record(actor=user, action="user.login", obj=user)


@transaction.atomic
def user_unlock(*, actor, user: User) -> User:
    require(actor, "users.manage")
    if not in_scope(user, actor, CHANGE):
        raise PermissionDenied("无权修改该用户")
    before = snapshot(user, ["failed_logins", "locked_until"])
    user.failed_logins = 0
    user.locked_until = None
    user.save(update_fields=["failed_logins", "locked_until"])
    audit_record(actor=actor, action="user.unlock", obj=user, changes=diff(before, snapshot(user, ["failed_logins", "locked_until"])))
    return user


# ---------------------------------------------------------------- calendar


@transaction.atomic
def holiday_set(*, actor, date: dt.date, kind: str, name: str = "") -> Holiday:
    require(actor, "holidays.manage")
    if kind not in HolidayKind.values:
        raise ValidationError({"kind": "类型应为“法定节假日”或“调休上班日”"})
    holiday = Holiday.objects.filter(date=date).first()
    before = snapshot(holiday, ["date", "kind", "name"]) if holiday else None
    if holiday is None:
        holiday = Holiday(date=date)
    holiday.kind, holiday.name = kind, clean_text(name)
    holiday.save()
    audit_changes(actor=actor, action="holiday.set", obj=holiday, before=before, fields=["date", "kind", "name"])
    return holiday


@transaction.atomic
def holiday_delete(*, actor, holiday: Holiday) -> None:
    require(actor, "holidays.manage")
    before = snapshot(holiday, ["date", "kind", "name"])
    audit_record(actor=actor, action="holiday.delete", obj=holiday, changes=diff(before, None))
    holiday.delete()


@transaction.atomic
def holidays_import(*, actor, rows: list[dict]) -> dict:
    require(actor, "holidays.manage")
    created = updated = 0
    existing = {h.date: h for h in Holiday.objects.filter(date__in=[r["date"] for r in rows])}
    for row in rows:
        holiday = existing.get(row["date"])
        if holiday is None:
            Holiday(date=row["date"], kind=row["kind"], name=row["name"]).save()
            created += 1
        elif (holiday.kind, holiday.name) != (row["kind"], row["name"]):
            holiday.kind, holiday.name = row["kind"], row["name"]
            holiday.save(update_fields=["kind", "name"])
            updated += 1
    audit_record(actor=actor, action="holiday.import", object_type="core.holiday",
                 object_repr=f"导入节假日 {len(rows)} 行", changes={"created": created, "updated": updated})
    return {"created": created, "updated": updated, "rows": len(rows)}


# ---------------------------------------------------------------- API tokens


def _token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for ``actor``; the key is returned once and never stored."""
    name = clean_text(name) or "未命名"
    key = "dch_" + secrets.token_urlsafe(32)
    token = ApiToken(user=actor, name=name[:100], prefix=key[4:12], key_hash=_token_digest(key))
    token.save()
    audit_record(actor=actor, action="api_token.create", obj=token, changes={"name": [None, token.name]})
    return token, key


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied("只能吊销自己的令牌")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", obj=token)
    return token


def api_token_user(key: str) -> User | None:
    """The active user a bearer key belongs to (read path; marks last use without auditing)."""
    token = (ApiToken.objects.select_related("user", "user__region")
             .filter(key_hash=_token_digest(key), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# ---------------------------------------------------------------- notifications


@transaction.atomic
def notification_send(*, recipient: User, title: str, body: str = "", link: str = "", level: str = "info",
                      dedupe_key: str = "", actor=None) -> Notification | None:
    """Create an in-app notification (once per ``dedupe_key``) and hand it to the
    message backend (SMS / e-mail) after commit."""
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
        return None
    note = Notification(recipient=recipient, title=title[:200], body=body, link=link, level=level,
                        dedupe_key=dedupe_key[:120])
    note.save()
    audit_record(actor=actor, action="notification.send", obj=note,
                 changes={"recipient": [None, recipient.pk], "title": [None, note.title]})
    from ducha.core.notify import deliver

    transaction.on_commit(lambda: deliver(note))
    return note


@transaction.atomic
def notification_mark_read(*, actor, notifications) -> int:
    now = timezone.now()
    ids = list(notifications.filter(recipient=actor, read_at__isnull=True).values_list("pk", flat=True))
    if ids:
        Notification.objects.filter(pk__in=ids).update(read_at=now)
        audit_record(actor=actor, action="notification.read", object_type="core.notification",
                     object_repr=f"{len(ids)} 条通知标为已读", changes={"ids": ids[:50]})
    return len(ids)
