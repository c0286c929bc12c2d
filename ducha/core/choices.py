"""Choices shared by the whole platform: region levels, roles, audit sources."""

from django.db import models


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省"
    CITY = 2, "市"
    COUNTY = 3, "县区"
    TOWNSHIP = 4, "乡镇街道"
    VILLAGE = 5, "村社区"


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    SUPERVISOR = "supervisor", "督查人员"
    LIAISON = "liaison", "部门联络员"
    INSPECTOR = "inspector", "巡查员"
    EVALUATOR = "evaluator", "第三方评估员"
    LEADER = "leader", "领导"
    ENTERPRISE = "enterprise", "企业用户"


class AuditSource(models.TextChoices):
    WEB = "web", "网页"
    API = "api", "接口"
    CLI = "cli", "命令行"
    SYSTEM = "system", "系统任务"


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", "法定节假日(休息)"
    WORKDAY = "workday", "调休上班日"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"
