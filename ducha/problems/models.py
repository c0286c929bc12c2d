"""The problem ledger (问题台账): every finding, its responsibility table and its rectification loop."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from ducha.core.choices import Role
from ducha.core.models import Department, Region
from ducha.core.scope import STAFF_ROLES, VIEW, ScopedManager, ScopedQuerySet, ScopeSpec, scope_filter
from ducha.problems.choices import (
    CLOSED_STATES,
    OPEN_STATES,
    TRANSITIONS,
    Category,
    Nature,
    ProblemStatus,
    RecheckMethod,
    RecheckResult,
    Severity,
    SourceKind,
    SubjectKind,
)

# Liaisons and enterprises answer their own problems, inspectors and evaluators re-check;
# the transition table (choices.TRANSITIONS) says which step each of them may take.
PROBLEM_SCOPE = ScopeSpec(
    region="region__path", department="lead_department", enterprise="enterprise_code",
    view_roles=STAFF_ROLES | {Role.ENTERPRISE}, change_roles=(STAFF_ROLES - {Role.LEADER}) | {Role.ENTERPRISE},
)


class ProblemQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = VIEW):
        """The scope of ScopeSpec, plus: a cooperating department's liaison may read
        (not change) the problems it helps with (配合部门, reference/000 §3.1)."""
        condition = scope_filter(self.model.scope, user, action)
        if (action == VIEW and condition is not None and user.role == Role.LIAISON and user.department_id):
            helped = Problem.cooperating_departments.through.objects.filter(department_id=user.department_id)
            condition |= Q(pk__in=helped.values("problem_id"))
        return self.none() if condition is None else self.filter(condition)


class ProblemPartQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = VIEW):
        """Rows that belong to a problem (evidence, sources) follow that problem's scope
        exactly, cooperating departments included: whoever may read the problem may read them."""
        return self.filter(problem__in=Problem.objects.restrict(user, action).values("pk"))


class Problem(models.Model):
    """One problem found by an inspection, evaluation, forwarding check, analytics flag,
    complaint or by hand, followed until it is closed and stays closed.

    ``version`` grows with every write: transitions update with a compare-and-swap on
    (status, version), so two users acting on the same problem cannot both succeed.
    ``due_at`` is the date the current step is due (rectification deadline, re-check,
    look-back…), recomputed by every transition and scanned by ``ducha tick``.
    """

    number = models.CharField("编号", max_length=20, unique=True)
    title = models.CharField("问题标题", max_length=200)
    description = models.TextField("问题描述")
    # Where the problem came from, as a generic reference: problems imports no producer.
    source_kind = models.CharField("来源", max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL)
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    source_title = models.CharField("来源名称", max_length=200, blank=True)
    # What the problem is about.
    subject_kind = models.CharField("对象类型", max_length=20, choices=SubjectKind.choices, default=SubjectKind.OTHER)
    subject_id = models.CharField("对象编号", max_length=64, blank=True)
    subject_label = models.CharField("对象名称", max_length=200, blank=True)
    enterprise_code = models.CharField("企业统一社会信用代码", max_length=18, blank=True, db_index=True)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="problems")
    domain = models.CharField("领域", max_length=50, blank=True)
    category = models.CharField("问题类别", max_length=20, choices=Category.choices, default=Category.EXECUTION)
    nature = models.CharField("共性/个性", max_length=20, choices=Nature.choices, default=Nature.COMMON)
    severity = models.CharField("严重程度", max_length=20, choices=Severity.choices, default=Severity.ORDINARY)
    # The responsibility table (reference/000 §3.1).
    lead_department = models.ForeignKey(Department, verbose_name="牵头(责任)部门", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="led_problems")
    cooperating_departments = models.ManyToManyField(Department, verbose_name="配合部门", blank=True,
                                                     related_name="cooperating_problems")
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    measures = models.TextField("整改措施", blank=True)
    acceptance_criterion = models.TextField("验收标准", blank=True)
    target = models.CharField("量化目标", max_length=200, blank=True, help_text="如“申请时间缩短50%”")
    raised_on = models.DateField("发现日期", db_index=True)
    deadline = models.DateField("完成时限")
    original_deadline = models.DateField("原定时限")
    status = models.CharField("状态", max_length=20, choices=ProblemStatus.choices, default=ProblemStatus.PENDING)
    version = models.PositiveIntegerField("版本", default=1)
    due_at = models.DateField("当前环节期限", null=True, blank=True)
    recheck_passed = models.BooleanField("复查已通过", default=False)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    # Natural days from raise to 销号, stored at close so averages are one SUM in the database.
    close_days = models.PositiveIntegerField("整改用时(天)", null=True, blank=True)
    lookback_round = models.PositiveSmallIntegerField("回头看轮次", default=0)
    lookbacks_done = models.PositiveSmallIntegerField("已完成回头看次数", default=0)
    rebounds = models.PositiveSmallIntegerField("反弹次数", default=0)
    merged_into = models.ForeignKey("self", verbose_name="合并至", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_problems")
    # Claims of the deadline scan: the deadline a warning was last sent for (see tick.py).
    warned_due_soon_for = models.DateField(null=True, blank=True)
    warned_overdue_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = PROBLEM_SCOPE
    objects = models.Manager.from_queryset(ProblemQuerySet)()

    class Meta:
        verbose_name = "问题"
        verbose_name_plural = "问题"
        ordering = ["-raised_on", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="problem_status_due_idx"),
            models.Index(fields=["status", "deadline"], name="problem_status_deadline_idx"),
            models.Index(fields=["lead_department", "status"], name="problem_dept_status_idx"),
            models.Index(fields=["subject_kind", "subject_id"], name="problem_subject_idx"),
            # The ledger's usual filters, with the region so that scoped counts can be
            # answered from the index alone (bench/bench_problems.py).
            models.Index(fields=["status", "severity", "category", "region"], name="problem_filters_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATES

    def is_overdue(self, today) -> bool:
        return self.is_open and self.deadline < today

    @property
    def is_major(self) -> bool:
        return self.severity == Severity.MAJOR


class ProblemSource(models.Model):
    """One channel through which a problem was reported; a merge keeps every one of them."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="sources")
    source_kind = models.CharField("来源", max_length=20, choices=SourceKind.choices)
    source_id = models.CharField("来源编号", max_length=64, blank=True)
    source_title = models.CharField("来源名称", max_length=200, blank=True)
    description = models.TextField("原始描述", blank=True)
    raised_on = models.DateField("发现日期")
    merged_from = models.ForeignKey(Problem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    # What the spec says, restrict() answers through the problem (ProblemPartQuerySet), so
    # that the problem's own extensions of its scope (配合部门) hold here too.
    scope = ScopeSpec(region="problem__region__path", department="problem__lead_department",
                      enterprise="problem__enterprise_code", view_roles=PROBLEM_SCOPE.view_roles)
    objects = models.Manager.from_queryset(ProblemPartQuerySet)()

    class Meta:
        verbose_name = "问题来源"
        verbose_name_plural = "问题来源"
        ordering = ["raised_on", "pk"]

    def __str__(self):
        return f"{self.get_source_kind_display()} {self.source_title}"


class ProblemEvent(models.Model):
    """One step on a problem's timeline: a transition, an assignment, a progress report, a merge."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("动作", max_length=30)
    label = models.CharField("说明", max_length=60)
    from_status = models.CharField("原状态", max_length=20, blank=True, choices=ProblemStatus.choices)
    to_status = models.CharField("新状态", max_length=20, blank=True, choices=ProblemStatus.choices)
    note = models.TextField("意见/说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    on = models.DateField("业务日期", null=True, blank=True, help_text="事项发生的日期(补录时可早于记录时间)")
    at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "问题动态"
        verbose_name_plural = "问题动态"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.problem_id} {self.label}"

    @property
    def transition(self):
        return TRANSITIONS.get(self.action)


class Evidence(models.Model):
    """A file proving what was done (or found); stored with its SHA-256."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(ProblemEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence")
    file = models.FileField("文件", upload_to="problems/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    # What the spec says, restrict() answers through the problem (ProblemPartQuerySet), so
    # that the problem's own extensions of its scope (配合部门) hold here too.
    scope = ScopeSpec(region="problem__region__path", department="problem__lead_department",
                      enterprise="problem__enterprise_code", view_roles=PROBLEM_SCOPE.view_roles)
    objects = models.Manager.from_queryset(ProblemPartQuerySet)()

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.name


class Recheck(models.Model):
    """One re-check (复查) of a close-out request: how, by whom, with what result and report."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="rechecks")
    method = models.CharField("复查方式", max_length=20, choices=RecheckMethod.choices)
    result = models.CharField("复查结果", max_length=10, choices=RecheckResult.choices)
    report = models.TextField("验收报告")
    reasons = models.TextField("未通过原因", blank=True)
    checker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    checked_on = models.DateField("复查日期", null=True, blank=True)
    checked_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "复查记录"
        verbose_name_plural = "复查记录"
        ordering = ["checked_at", "pk"]

    def __str__(self):
        return f"{self.problem_id} {self.get_result_display()}"


class ProgressReport(models.Model):
    """The responsible unit's monthly progress report on one problem (reference/000 §3.2)."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="progress_reports")
    month = models.CharField("月份", max_length=7, help_text="YYYY-MM")
    content = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reported_at = models.DateTimeField("报送时间", auto_now_add=True)

    class Meta:
        verbose_name = "整改进展月报"
        verbose_name_plural = "整改进展月报"
        ordering = ["-reported_at", "-pk"]

    def __str__(self):
        return f"{self.problem_id} {self.month}"


class SavedView(models.Model):
    """A user's named set of ledger filters (a query string), offered as a shortcut on the list."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="problem_views")
    name = models.CharField("名称", max_length=50)
    query = models.CharField("筛选条件", max_length=500)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    scope = ScopeSpec(owner="owner_id", view_roles=frozenset(), change_roles=frozenset())
    objects = ScopedManager()

    class Meta:
        verbose_name = "台账视图"
        verbose_name_plural = "台账视图"
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="problem_view_unique_name")]

    def __str__(self):
        return self.name
