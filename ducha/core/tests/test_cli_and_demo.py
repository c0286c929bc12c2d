"""The command line: help, createuser, demo data."""

import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ducha.core.models import Department, Region, User


def test_ducha_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "ducha.cli", "--help"], capture_output=True, text=True).stdout
    for command in ("serve", "migrate", "demo", "import", "export", "audit", "workdays", "createuser"):
        assert command in out


def test_demo_builds_the_fictional_province_deterministically(db, capsys):
    call_command("demo")
    assert Region.objects.filter(level=2).count() >= 3
    assert Region.objects.filter(level=3).count() >= 10
    assert Region.objects.filter(level=4).exists() and Region.objects.filter(level=5).exists()
    assert Department.objects.count() >= 30
    assert set(User.objects.values_list("role", flat=True)) == {
        "admin", "supervisor", "liaison", "inspector", "evaluator", "leader", "enterprise"}
    first = list(Region.objects.order_by("code").values_list("code", "name"))
    call_command("demo", "--if-empty")
    assert "跳过" in capsys.readouterr().out
    assert list(Region.objects.order_by("code").values_list("code", "name")) == first


def test_demo_at_province_scale_runs_as_a_command(db, capsys, monkeypatch):
    # The same code path as the 460,000 / 48,000 build, shrunk to keep the suite fast.
    from ducha.enterprises import demo as enterprise_demo
    from ducha.enterprises.models import Enterprise, EnterpriseTerm
    from ducha.policies import demo as policy_demo
    from ducha.policies.models import Policy
    from ducha.problems import demo as problem_demo

    monkeypatch.setitem(enterprise_demo.COUNTS, "province", 3000)
    monkeypatch.setitem(policy_demo.COUNTS, "province", 150)
    monkeypatch.setitem(problem_demo.COUNTS, "province", 150)
    call_command("demo", "--scale", "province")
    out = capsys.readouterr().out
    assert "ANALYZE" in out and "演示数据已生成" in out
    assert Enterprise.objects.count() == 3000 and Policy.objects.count() == 150
    assert EnterpriseTerm.objects.filter(enterprise=Enterprise.objects.last()).exists()


def test_createuser_makes_a_user_and_refuses_unknown_regions(world, capsys):
    call_command("createuser", "new_admin", "--role", "admin", "--region", "990100", "--password", "Abcdef@12345")
    assert User.objects.get(username="new_admin").region == world.A
    with pytest.raises(CommandError, match="区划代码“123456”不存在"):
        call_command("createuser", "x", "--region", "123456", "--password", "Abcdef@12345")
    with pytest.raises(CommandError):
        call_command("createuser", "y", "--region", "990100", "--password", "123")


def test_token_command_prints_a_working_key(world, capsys):
    from django.test import Client

    call_command("token", "create", "t_sup_a", "脚本")
    key = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me").json()["username"] == "t_sup_a"


def test_vendored_assets_match_their_recorded_checksums():
    import hashlib
    from pathlib import Path

    vendor = Path(__file__).resolve().parents[2] / "static" / "vendor"
    rows = [line.split("|") for line in (vendor / "VENDOR.md").read_text().splitlines() if line.startswith("| ")][1:]
    assert len(rows) >= 6
    for row in rows:
        path, digest = row[3].strip(), row[4].strip()
        assert hashlib.sha256((vendor / path).read_bytes()).hexdigest() == digest, path


def test_no_page_loads_anything_from_outside(world, client_for):
    """Intranet first: scripts, styles, fonts and icons all come from the app itself."""
    import re

    c = client_for(world.admin)
    for url in ("/login/", "/", "/core/regions/", "/core/users/", "/core/holidays/", "/core/audit/", "/api/v1/docs"):
        body = c.get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', body)
        assert external == [], f"{url} loads {external}"
