"""The enterprise library (市场主体库): market entities keyed by unified social credit code."""

from django.db import models

from ducha.core.choices import Role
from ducha.core.models import Region
from ducha.core.scope import STAFF_ROLES, ScopedManager, ScopeSpec
from ducha.enterprises.choices import DIVISION_CHOICES, SECTION_CHOICES, CreditGrade, RiskLevel, Scale


class Enterprise(models.Model):
    """One market entity (企业、个体工商户…) with the attributes supervision works from:
    where it is, what it does, its size, credit grade and risk colour, a contact and tags.

    Staff see the enterprises of their region subtree; an enterprise user sees only its
    own record (``User.enterprise_code``).
    """

    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    # Indexed by enterprise_region_ind_idx (region first), so no index of its own.
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="enterprises",
                               db_index=False)
    address = models.CharField("注册地址", max_length=300, blank=True)
    industry_section = models.CharField("行业门类", max_length=1, choices=SECTION_CHOICES, db_index=True)
    industry_division = models.CharField("行业大类", max_length=2, choices=DIVISION_CHOICES, blank=True)
    scale = models.CharField("企业规模", max_length=10, choices=Scale.choices, db_index=True)
    credit_grade = models.CharField("信用等级", max_length=1, choices=CreditGrade.choices, blank=True, db_index=True)
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, blank=True, db_index=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    # Space-delimited with a leading and trailing space (" 新开办 涉企投诉 "), so one tag is
    # one LIKE '% tag %' on both databases; the tag list is short and read with the row.
    tags = models.CharField("标签", max_length=300, blank=True, default="")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    scope = ScopeSpec(region="region__path", enterprise="credit_code", view_roles=STAFF_ROLES | {Role.ENTERPRISE})
    objects = ScopedManager()

    class Meta:
        verbose_name = "市场主体"
        verbose_name_plural = "市场主体"
        ordering = ["credit_code"]
        indexes = [models.Index(fields=["region", "industry_section"], name="enterprise_region_ind_idx")]

    def __str__(self):
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()


class EnterpriseTerm(models.Model):
    """One search term of an enterprise (name segmented with jieba) and its weight.

    Derived data (``ducha reindex`` rebuilds it), written in bulk by millions of rows: the
    link to the enterprise is a plain indexed column without a database foreign-key check;
    deleting an enterprise deletes its terms through the ORM's cascade."""

    doc_field = "enterprise"

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="terms",
                                   db_constraint=False, db_index=False)
    term = models.CharField(max_length=32)
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "市场主体检索词"
        # Covering (term, enterprise, weight), as for policy terms.
        indexes = [models.Index(fields=["term", "enterprise", "weight"], name="enterprise_term_idx"),
                   models.Index(fields=["enterprise"], name="enterprise_term_doc_idx")]

    def __str__(self):
        return self.term


class EnterpriseTag(models.Model):
    """One tag of an enterprise, so the list filter is an indexed lookup; ``Enterprise.tags``
    keeps the same tags as text for display and export. Both are written by the services;
    like the search terms, the rows are derived and carry no database foreign-key check."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tag_rows",
                                   db_constraint=False, db_index=False)
    tag = models.CharField("标签", max_length=20)

    class Meta:
        verbose_name = "市场主体标签"
        constraints = [models.UniqueConstraint(fields=["tag", "enterprise"], name="enterprise_tag_unique")]
        indexes = [models.Index(fields=["enterprise"], name="enterprise_tag_doc_idx")]

    def __str__(self):
        return self.tag


class EnterpriseContact(models.Model):
    """A further contact person of an enterprise (the primary one is on the enterprise row);
    imports and exports carry them in the 其他联系人 column. Surveys and inspections reach
    enterprises through these."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30)
    created_at = models.DateTimeField("添加时间", auto_now_add=True)

    class Meta:
        verbose_name = "市场主体联系人"
        verbose_name_plural = "市场主体联系人"
        ordering = ["enterprise", "pk"]

    def __str__(self):
        return f"{self.name} {self.phone}"
