"""Deterministic demo data: a fictional province (东川省) with cities, counties, townships,
villages, departments and one user for every role. Same seed, same data."""

import random

from ducha.core import services
from ducha.core.choices import Role
from ducha.core.models import Department, Region
from ducha.core.validators import make_credit_code

DEMO_PASSWORD = "Ducha@2026"
DEMO_ENTERPRISE_CODE = make_credit_code("91", "990102", "MA1X0001")

PROVINCE = ("990000", "东川省")
CITIES = [
    ("990100", "明州市", [("990102", "东城区"), ("990103", "西城区"), ("990121", "临江县"), ("990122", "青山县")]),
    ("990200", "清河市", [("990202", "清河区"), ("990221", "白水县"), ("990222", "松林县")]),
    ("990300", "安平市", [("990302", "安平区"), ("990321", "北原县"), ("990322", "南湖县"), ("990323", "石桥县")]),
]
TOWNSHIP_NAMES = ["城关街道", "新华街道", "东关镇", "柳河镇", "桃源镇", "青石镇", "双桥乡", "白鹤乡", "杏林镇", "金沙街道"]
VILLAGE_NAMES = ["前进村", "和平村", "幸福社区", "光明社区", "红星村", "团结村"]
PROVINCE_DEPARTMENTS = ["省政府办公厅督查室", "省发展改革委", "省科技厅", "省工业和信息化厅", "省财政厅", "省市场监管局",
                        "省人力资源社会保障厅", "省税务局"]
CITY_DEPARTMENTS = ["发改委", "科技局", "工信局", "财政局", "市场监管局", "人社局", "行政审批服务局"]
COUNTY_DEPARTMENTS = ["发改局", "科技局", "市场监管局"]

DEMO_USERS = [
    # username, full name, role, region code, department (region code, name) or None
    ("admin", "系统管理员", Role.ADMIN, "990000", None),
    ("sheng_ducha", "李督查", Role.SUPERVISOR, "990000", None),
    ("shi_ducha", "王督查", Role.SUPERVISOR, "990100", None),
    ("xian_ducha", "赵督查", Role.SUPERVISOR, "990102", None),
    ("xian_ducha_b", "钱督查", Role.SUPERVISOR, "990202", None),
    ("lianluo", "孙联络", Role.LIAISON, "990100", ("990100", "明州市发改委")),
    ("lianluo_kj", "周联络", Role.LIAISON, "990102", ("990102", "东城区科技局")),
    ("xuncha", "吴巡查", Role.INSPECTOR, "990100", None),
    ("pinggu", "郑评估", Role.EVALUATOR, "990000", None),
    ("lingdao", "陈领导", Role.LEADER, "990000", None),
    ("qiye", "冯企业", Role.ENTERPRISE, "990102", None),
]


def region_rows(rng: random.Random) -> list[dict]:
    rows = [{"code": PROVINCE[0], "name": PROVINCE[1], "parent_code": "", "level": 1}]
    for city_code, city_name, counties in CITIES:
        rows.append({"code": city_code, "name": city_name, "parent_code": PROVINCE[0], "level": 2})
        for county_code, county_name in counties:
            rows.append({"code": county_code, "name": county_name, "parent_code": city_code, "level": 3})
            for t, town in enumerate(rng.sample(TOWNSHIP_NAMES, 4), start=1):
                town_code = f"{county_code}{t:03d}"
                rows.append({"code": town_code, "name": town, "parent_code": county_code, "level": 4})
                for v, village in enumerate(rng.sample(VILLAGE_NAMES, 2), start=1):
                    rows.append({"code": f"{town_code}{v:03d}", "name": village, "parent_code": town_code, "level": 5})
    return rows


def build_core(rng: random.Random, echo=print) -> None:
    services.regions_import(actor=None, rows=region_rows(rng))
    regions = {r.code: r for r in Region.objects.all()}
    province = regions[PROVINCE[0]]
    for name in PROVINCE_DEPARTMENTS:
        services.department_create(actor=None, name=name, region=province)
    for city_code, city_name, counties in CITIES:
        for name in CITY_DEPARTMENTS:
            services.department_create(actor=None, name=f"{city_name}{name}", region=regions[city_code])
        for county_code, county_name in counties:
            for name in COUNTY_DEPARTMENTS:
                services.department_create(actor=None, name=f"{county_name}{name}", region=regions[county_code])
    echo(f"区划 {len(regions)} 个,部门 {Department.objects.count()} 个")
    for username, full_name, role, region_code, dept in DEMO_USERS:
        department = Department.objects.get(region__code=dept[0], name=dept[1]) if dept else None
        services.user_create(
            actor=None, username=username, full_name=full_name, role=role, region=regions[region_code],
            department=department, enterprise_code=DEMO_ENTERPRISE_CODE if role == Role.ENTERPRISE else "",
            phone=f"1390543{rng.randint(1000, 9999)}", password=DEMO_PASSWORD,
        )
    echo(f"演示用户 {len(DEMO_USERS)} 个,密码 {DEMO_PASSWORD}")
