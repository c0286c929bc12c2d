"""The policy library (政策库): policies with their key points, attachments and search terms."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ducha.core.choices import Role
from ducha.core.models import Department, Region
from ducha.core.scope import STAFF_ROLES, VIEW, ScopedManager, ScopedQuerySet, ScopeSpec
from ducha.enterprises.models import Enterprise
from ducha.policies.choices import (
    EXPIRING_DAYS,
    DeliveryMethod,
    LinkStatus,
    PolicyCategory,
    PolicyLevel,
    PolicyStatus,
)


def status_q(status: str, today: dt.date | None = None) -> Q:
    """The filter selecting policies in a computed status on ``today``."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=EXPIRING_DAYS)
    not_expired = Q(effective_to__isnull=True) | Q(effective_to__gte=today)
    if status == PolicyStatus.PENDING:
        return Q(effective_from__gt=today)
    if status == PolicyStatus.EXPIRED:
        return Q(effective_to__lt=today)
    started = Q(effective_from__lte=today)
    if status == PolicyStatus.EXPIRING:
        return started & Q(effective_to__gte=today, effective_to__lte=soon)
    if status == PolicyStatus.ACTIVE:
        return started & not_expired & ~Q(effective_to__lte=soon)
    return Q()


class PolicyQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = VIEW):
        """Reading: a policy binds its issuing region and everything below it, so a user
        sees the policies issued in its own subtree and those issued by the regions above
        it (a county implements provincial policies). This holds for every role allowed to
        read, liaisons and enterprise users included: policies are public documents and a
        liaison also works on policies its department only cooperates on. Users without a
        region see none. Changing follows the ScopeSpec: administrators and supervisors
        whose subtree holds the issuing region.
        """
        if action != VIEW:
            return super().restrict(user, action)
        if (user is None or not user.is_authenticated or not user.is_active or not user.region_id
                or user.role not in self.model.scope.view_roles):
            return self.none()
        path = user.region.path
        codes = path.strip("/").split("/")
        ancestors = ["/" + "/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1)]
        return self.filter(Q(region__path__startswith=path) | Q(region__path__in=ancestors))

    def in_status(self, status: str, today: dt.date | None = None):
        return self.filter(status_q(status, today))


class Policy(models.Model):
    """One policy document: who issued it, when it is in force, who leads and who helps
    carry it out, how the benefit is delivered, its full text and its key points."""

    title = models.CharField("标题", max_length=300)
    doc_number = models.CharField("文号", max_length=100, unique=True)
    issuer = models.CharField("发文机关", max_length=200)
    issued_on = models.DateField("发布日期", db_index=True)
    # No single-column indexes on the dates or the level: a status or level matches a large
    # share of all policies, and such an index only lures SQLite's planner away from
    # walking issued_on in list order (a scan of 48,000 rows costs ~25 ms).
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    level = models.CharField("层级", max_length=10, choices=PolicyLevel.choices)
    category = models.CharField("政策类别", max_length=20, choices=PolicyCategory.choices, db_index=True)
    applicable_scope = models.TextField("适用范围", blank=True)
    region = models.ForeignKey(Region, verbose_name="发文区划", on_delete=models.PROTECT, related_name="policies")
    lead_department = models.ForeignKey(Department, verbose_name="牵头部门", on_delete=models.PROTECT,
                                        related_name="led_policies")
    cooperating_departments = models.ManyToManyField(Department, verbose_name="配合部门", blank=True,
                                                     related_name="cooperating_policies")
    delivery_method = models.CharField("兑现方式", max_length=20, choices=DeliveryMethod.choices)
    body = models.TextField("正文", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopeSpec(region="region__path", department="lead_department",
                      view_roles=STAFF_ROLES | {Role.ENTERPRISE})
    objects = PolicyQuerySet.as_manager()

    class Meta:
        verbose_name = "政策"
        verbose_name_plural = "政策"
        ordering = ["-issued_on", "pk"]

    def __str__(self):
        return self.title

    def status_on(self, today: dt.date | None = None) -> str:
        today = today or timezone.localdate()
        if self.effective_from > today:
            return PolicyStatus.PENDING
        if self.effective_to is not None:
            if self.effective_to < today:
                return PolicyStatus.EXPIRED
            if self.effective_to <= today + dt.timedelta(days=EXPIRING_DAYS):
                return PolicyStatus.EXPIRING
        return PolicyStatus.ACTIVE

    @property
    def status(self) -> str:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return PolicyStatus(self.status).label


class PolicyPoint(models.Model):
    """A key point (政策要点) of a policy: one measurable commitment, in the policy's order."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="points")
    seq = models.PositiveSmallIntegerField("序号")
    text = models.TextField("要点")

    class Meta:
        verbose_name = "政策要点"
        verbose_name_plural = "政策要点"
        ordering = ["policy", "seq"]
        constraints = [models.UniqueConstraint(fields=["policy", "seq"], name="policy_point_seq_unique")]

    def __str__(self):
        return f"{self.seq}. {self.text[:30]}"


def attachment_path(instance, filename):
    return f"policies/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class PolicyAttachment(models.Model):
    """A file attached to a policy (the signed original, an implementation guide…), stored with its SHA-256."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to=attachment_path, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.BigIntegerField("大小(字节)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "政策附件"
        verbose_name_plural = "政策附件"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class PolicyTerm(models.Model):
    """One search term of a policy and its weight (title > 文号 > key points > issuer > text).

    Derived data like ``EnterpriseTerm``: indexed by policy, no database foreign-key check."""

    doc_field = "policy"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="terms",
                               db_constraint=False, db_index=False)
    term = models.CharField(max_length=32)
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "政策检索词"
        # (term, policy, weight) answers a query term from the index alone; one row per
        # (term, policy) is kept by search.rebuild_terms, which writes each term once.
        indexes = [models.Index(fields=["term", "policy", "weight"], name="policy_term_idx"),
                   models.Index(fields=["policy"], name="policy_term_doc_idx")]

    def __str__(self):
        return self.term


class PolicyEnterprise(models.Model):
    """An enterprise on one of a policy's lists: 符合政策条件, 已申报 or 已享受."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="enterprise_links")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="policy_links")
    status = models.CharField("状态", max_length=10, choices=LinkStatus.choices)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopeSpec(region="enterprise__region__path", enterprise="enterprise__credit_code",
                      view_roles=STAFF_ROLES | {Role.ENTERPRISE})
    objects = ScopedManager()

    class Meta:
        verbose_name = "政策享受企业"
        verbose_name_plural = "政策享受企业"
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_enterprise_unique")]
        indexes = [models.Index(fields=["policy", "status"], name="policy_enterprise_status_idx")]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"
