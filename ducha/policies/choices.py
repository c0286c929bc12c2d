"""Choices of the policy library: level, category, delivery method, computed status."""

from django.db import models


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县"


class PolicyCategory(models.TextChoices):
    FISCAL = "fiscal", "财政扶持"
    TAX = "tax", "税费优惠"
    FINANCE = "finance", "金融支持"
    TECH = "tech", "科技创新"
    TALENT = "talent", "人才就业"
    INDUSTRY = "industry", "产业发展"
    BUSINESS = "business", "营商环境"
    OTHER = "other", "其他"


class DeliveryMethod(models.TextChoices):
    # 兑现方式: how an enterprise receives the benefit (reference/001 "到位率").
    FUNDS = "funds", "资金"
    TAX = "tax", "税费"
    FINANCE = "finance", "金融"
    SERVICE = "service", "服务"
    QUALIFICATION = "qualification", "资质认定"
    OTHER = "other", "其他"


class PolicyStatus(models.TextChoices):
    """Computed from the dates, never stored: see ``Policy.status`` and ``status_q``."""

    PENDING = "pending", "未生效"
    ACTIVE = "active", "有效"
    EXPIRING = "expiring", "即将失效"
    EXPIRED = "expired", "失效"


# A policy whose 失效日期 falls within this many days from today is 即将失效, so the
# lead department has a month to extend or replace it.
EXPIRING_DAYS = 30


class LinkStatus(models.TextChoices):
    """Where an enterprise stands with one policy (reference/001 "惠企通" lists)."""

    ELIGIBLE = "eligible", "符合政策条件"
    APPLIED = "applied", "已申报"
    ENJOYED = "enjoyed", "已享受"
