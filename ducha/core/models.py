"""Platform records: regions, departments, users, audit chain, calendar, jobs."""

import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models

from ducha.core.choices import AuditSource, HolidayKind, JobStatus, RegionLevel, Role
from ducha.core.scope import STAFF_ROLES, ScopedManager, ScopedQuerySet, ScopeSpec


class Region(models.Model):
    """An administrative division keyed by its statistical division code (统计用区划代码).

    ``path`` holds the codes from the province down to this region ("/990000/990100/")
    so that a subtree is one indexed prefix query on both SQLite and PostgreSQL.
    """

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=200, unique=True, editable=False)

    scope = ScopeSpec(region="path", change_roles=frozenset({Role.ADMIN}))
    objects = ScopedManager()

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1


class Department(models.Model):
    """A government department belonging to one region (e.g. 明州市发改委)."""

    name = models.CharField("部门名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    is_active = models.BooleanField("启用", default=True)

    scope = ScopeSpec(region="region__path", department="pk", change_roles=frozenset({Role.ADMIN}))
    objects = ScopedManager()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region")]

    def __str__(self):
        return self.name


class UserQuerySet(ScopedQuerySet):
    pass


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A person who signs in. Belongs to one region, or one department, or one enterprise."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.SUPERVISOR)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    department = models.ForeignKey(
        Department, verbose_name="所属部门", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise_code = models.CharField("所属企业统一社会信用代码", max_length=18, blank=True, db_index=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    # Users see their own record always; administrators manage users in their subtree,
    # supervisors and leaders may look users up there (to assign and to read reports).
    scope = ScopeSpec(
        region="region__path",
        owner="pk",
        view_roles=frozenset({Role.ADMIN, Role.SUPERVISOR, Role.LEADER}),
        change_roles=frozenset({Role.ADMIN}),
    )
    objects = UserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    @property
    def region_path(self) -> str:
        return self.region.path if self.region_id else ""

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class AuditEntry(models.Model):
    """One step in the append-only audit chain.

    ``hash`` is SHA-256 over the entry's content and ``prev_hash``; changing, removing
    or reordering any row breaks the chain, which ``ducha audit verify`` detects.
    ``changes`` is stored as canonical JSON text so the hash covers exactly what is stored.
    """

    seq = models.BigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=60, db_index=True)
    object_type = models.CharField("对象类型", max_length=60, blank=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes_json = models.TextField("变更内容", default="{}")
    source = models.CharField("来源", max_length=10, choices=AuditSource.choices, default=AuditSource.SYSTEM)
    source_detail = models.CharField("来源详情", max_length=200, blank=True)
    prev_hash = models.CharField("前一条哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "审计记录"
        verbose_name_plural = "审计记录"
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.object_repr}"

    @property
    def changes(self) -> dict:
        return json.loads(self.changes_json or "{}")

    @property
    def action_label(self) -> str:
        """The action in Chinese: the object's model name and the verb (e.g. 部门 · 修改)."""
        from django.apps import apps

        from ducha.core.audit import ACTION_VERBS

        noun, _, verb = self.action.partition(".")
        try:
            noun_label = str(apps.get_model(self.object_type)._meta.verbose_name) if "." in self.object_type else noun
        except LookupError:
            noun_label = noun
        return f"{noun_label} · {ACTION_VERBS.get(verb, verb)}"

    def changes_display(self) -> list[tuple[str, object, object]]:
        """(field label in Chinese, before, after) for the history panels."""
        from django.apps import apps

        try:
            model = apps.get_model(self.object_type) if "." in self.object_type else None
        except LookupError:
            model = None
        rows = []
        for name, value in self.changes.items():
            label = name
            if model is not None:
                try:
                    label = str(model._meta.get_field(name).verbose_name)
                except Exception:  # not a model field (e.g. a summary key)
                    pass
            if label == name:
                from ducha.core.audit import EXTRA_CHANGE_LABELS

                label = EXTRA_CHANGE_LABELS.get(name, name)
            before, after = (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (None, value)
            rows.append((label, self._show(name, before), self._show(name, after)))
        return rows

    def _show(self, name, value):
        """A stored value as people read it (set up by ``audit.readable_history``)."""
        names = getattr(self, "_readable", {}).get(name)
        if names is None or value is None or value == "" or isinstance(value, list | dict):
            return value
        return names.get(str(value), value)


class AuditHead(models.Model):
    """The chain's head (last seq and hash): the row every append locks, and what
    lets verification notice entries cut off the end of the chain."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = "审计链头"

    def __str__(self):
        return f"head #{self.seq}"


class Holiday(models.Model):
    """An administrator-maintained calendar day: a statutory holiday or a make-up workday (调休).

    Entries override the chinesecalendar package, and cover the years it does not.
    """

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=HolidayKind.choices)
    name = models.CharField("名称", max_length=50, blank=True)

    scope = ScopeSpec(view_roles=frozenset(), change_roles=frozenset())
    objects = ScopedManager()

    class Meta:
        verbose_name = "节假日"
        verbose_name_plural = "节假日"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class Notification(models.Model):
    """An in-app message to one user (deadline warnings, assignments...)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    level = models.CharField("级别", max_length=10, default="info")
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    scope = ScopeSpec(owner="recipient_id", view_roles=frozenset(), change_roles=frozenset())
    objects = ScopedManager()

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], condition=~models.Q(dedupe_key=""), name="notification_dedupe"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title


class Job(models.Model):
    """A long piece of work (import, index rebuild, demo build) run by the worker.

    The worker updates ``done``/``total`` as it goes, so pages and the CLI can show
    progress; ``result`` holds the outcome, ``error`` the reason for a failure.
    """

    kind = models.CharField("类型", max_length=40)
    label = models.CharField("说明", max_length=200)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.BigIntegerField("已处理", default=0)
    total = models.BigIntegerField("总数", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    params = models.JSONField("参数", default=dict)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("失败原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    scope = ScopeSpec(owner="created_by_id", view_roles=frozenset({Role.ADMIN}), change_roles=frozenset())
    objects = ScopedManager()

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at"]

    def __str__(self):
        return self.label

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return min(100, int(self.done * 100 / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=100)
    prefix = models.CharField("前缀", max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    scope = ScopeSpec(owner="user_id", view_roles=frozenset(), change_roles=frozenset())
    objects = ScopedManager()

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"
