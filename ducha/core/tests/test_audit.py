"""The audit chain: every write appends an entry; tampering by raw SQL is caught."""

import pytest
from django.core.management import call_command
from django.db import connection

from ducha.core import services
from ducha.core.audit import audit_verify
from ducha.core.models import AuditEntry


def _sql(statement, params=()):
    with connection.cursor() as cur:
        cur.execute(statement, params)


@pytest.fixture
def chain(world):
    for name in ("甲", "乙", "丙"):
        services.department_create(actor=world.admin, name=f"测试{name}局", region=world.A)
    return list(AuditEntry.objects.order_by("seq"))


def test_it_records_actor_action_object_and_changes(world):
    dept = services.department_create(actor=world.admin, name="明州市科技局", region=world.A)
    services.department_update(actor=world.admin, department=dept, name="明州市科学技术局", region=world.A)
    entry = AuditEntry.objects.filter(action="department.update").get()
    assert entry.actor == world.admin
    assert entry.object_type == "core.department" and entry.object_id == str(dept.pk)
    assert entry.changes == {"name": ["明州市科技局", "明州市科学技术局"]}
    assert entry.source == "system"


def test_it_verifies_an_intact_chain(chain):
    result = audit_verify()
    assert result.ok and result.count == len(chain)


def test_it_catches_an_altered_entry(chain):
    victim = chain[5]
    _sql("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["篡改", victim.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq and "内容被改动" in result.reason


def test_it_catches_a_deleted_entry(chain):
    victim = chain[4]
    _sql("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq


def test_it_catches_a_deleted_last_entry(chain):
    _sql("DELETE FROM core_auditentry WHERE id = %s", [chain[-1].pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == chain[-1].seq and "链尾" in result.reason


def test_it_catches_reordered_entries(chain):
    a, b = chain[2], chain[3]
    _sql("UPDATE core_auditentry SET seq = -1 WHERE id = %s", [a.pk])
    _sql("UPDATE core_auditentry SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql("UPDATE core_auditentry SET seq = %s WHERE id = %s", [b.seq, a.pk])
    result = audit_verify()
    assert not result.ok and result.broken_seq == a.seq


def test_it_catches_swapped_contents_with_their_hashes(chain):
    a, b = chain[2], chain[3]
    cols = "action, object_type, object_id, object_repr, changes_json, prev_hash, hash"
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols} FROM core_auditentry WHERE id = %s", [a.pk])
        ra = cur.fetchone()
        cur.execute(f"SELECT {cols} FROM core_auditentry WHERE id = %s", [b.pk])
        rb = cur.fetchone()
        cur.execute("UPDATE core_auditentry SET hash = %s WHERE id = %s", ["x" * 64, a.pk])
        sets = ", ".join(f"{c.strip()} = %s" for c in cols.split(","))
        cur.execute(f"UPDATE core_auditentry SET {sets} WHERE id = %s", [*ra, b.pk])
        cur.execute(f"UPDATE core_auditentry SET {sets} WHERE id = %s", [*rb, a.pk])
    assert not audit_verify().ok


def test_the_cli_exits_zero_with_the_count_and_non_zero_naming_the_entry(chain, capsys):
    call_command("audit", "verify")
    assert f"{len(chain)} 条记录" in capsys.readouterr().out
    _sql("UPDATE core_auditentry SET action = 'x' WHERE id = %s", [chain[1].pk])
    with pytest.raises(SystemExit) as exc:
        call_command("audit", "verify")
    assert exc.value.code == 1
    assert f"第 {chain[1].seq} 条" in capsys.readouterr().err


def test_it_records_the_request_source_of_web_writes(world, client_for):
    c = client_for(world.admin)
    c.post("/core/departments/new/", {"name": "明州市统计局", "region": world.A.pk, "is_active": "on"})
    entry = AuditEntry.objects.filter(action="department.create").latest("seq")
    assert entry.source == "web" and "POST /core/departments/new/" in entry.source_detail


def test_object_history_is_visible_on_its_page(world, client_for):
    services.department_update(actor=world.admin, department=world.dA, name="明州市发展和改革委员会", region=world.A)
    body = client_for(world.sup_a).get(f"/core/departments/{world.dA.pk}/").content.decode()
    assert "变更历史" in body and "department.update" in body and "明州市发展和改革委员会" in body


def test_history_panels_show_labels_and_names_not_codes(world, client_for):
    from ducha.core.models import Region

    services.user_update(actor=world.admin, user=world.sup_a1, full_name="赵东城", role="leader", region=world.A2)
    body = client_for(world.admin).get(f"/core/users/{world.sup_a1.pk}/").content.decode()
    history = body[body.index('id="history"'):]
    assert "督查人员" in history and "领导" in history  # role codes shown as labels
    assert "东城区" in history and "西城区" in history  # region ids shown as names
    assert Region.objects.count() == 7
