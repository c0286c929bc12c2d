"""Write paths of the enterprise library. Each is one transaction that appends an audit entry."""

import re
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ducha.core import search
from ducha.core.audit import audit_record, diff, snapshot
from ducha.core.bulk import delete_in, insert_rows, rows_in
from ducha.core.dates import DateParseError, parse_date
from ducha.core.models import Region
from ducha.core.scope import CHANGE, VIEW, in_scope
from ducha.core.text import clean_code, clean_text
from ducha.core.validators import credit_code_problem, phone_problem
from ducha.enterprises.choices import DIVISIONS, SECTIONS, CreditGrade, RiskLevel, Scale
from ducha.enterprises.models import Enterprise, EnterpriseContact, EnterpriseTag, EnterpriseTerm

FIELDS = ["credit_code", "name", "region", "address", "industry_section", "industry_division", "scale",
          "credit_grade", "risk_level", "established_on", "contact_name", "contact_phone", "tags"]
EDITABLE = [f for f in FIELDS if f != "credit_code"]

SCALE_WORDS = {"规上": Scale.ABOVE, "规上企业": Scale.ABOVE, "规模以上": Scale.ABOVE, "规模以上企业": Scale.ABOVE,
               "中小微": Scale.SME, "中小微企业": Scale.SME, "规下": Scale.SME, "规模以下": Scale.SME,
               "above": Scale.ABOVE, "sme": Scale.SME}
RISK_WORDS = {"红": RiskLevel.RED, "红色": RiskLevel.RED, "黄": RiskLevel.YELLOW, "黄色": RiskLevel.YELLOW,
              "蓝": RiskLevel.BLUE, "蓝色": RiskLevel.BLUE, "red": RiskLevel.RED, "yellow": RiskLevel.YELLOW,
              "blue": RiskLevel.BLUE}
SECTION_BY_NAME = {v: k for k, v in SECTIONS.items()}
DIVISION_BY_NAME = {v[1]: k for k, v in DIVISIONS.items()}
GRADES = frozenset(CreditGrade.values)
TAG_SPLIT = re.compile(r"[、,,;;\s/|]+")


def parse_tags(value) -> list[str]:
    if isinstance(value, list | tuple):
        value = " ".join(value)
    tags = [t for t in TAG_SPLIT.split(clean_text(value)) if t]
    return list(dict.fromkeys(tags))


def tags_text(tags: list[str]) -> str:
    return f" {' '.join(tags)} " if tags else ""


def write_tags(docs: dict[int, str], *, fresh: bool = False) -> None:
    """Mirror the tag text of the given enterprises (id -> " a b ") into the tag table."""
    if not fresh:
        delete_in(EnterpriseTag.objects.all(), "enterprise_id", docs)
    insert_rows(EnterpriseTag, ["enterprise_id", "tag"], ((pk, tag) for pk, text in docs.items() for tag in text.split()))


CONTACT_SPLIT = re.compile(r"[;;\n]+")
CONTACT_ITEM = re.compile(r"^(?P<name>[^\s()]+?)\s*(?:\((?P<title>[^()]*)\))?\s*(?P<phone>[\d\-+ ]+)$")


def parse_contacts(value) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Contacts written as “王芳(财务主管) 13800000000;李强 0543-3161234”.

    Returns ([(name, title, phone)], [(item, reason)]); full-width brackets and
    semicolons are accepted (clean_text makes them half-width).
    """
    contacts, problems = [], []
    for item in CONTACT_SPLIT.split(clean_text(value, keep_newlines=True)):
        item = item.strip()
        if not item:
            continue
        match = CONTACT_ITEM.match(item)
        if not match:
            problems.append((item, "联系人应写成“姓名(职务) 电话”,职务可省略,多人用“;”分隔"))
            continue
        name, title, phone = match["name"][:50], clean_text(match["title"])[:50], clean_code(match["phone"])
        problem = phone_problem(phone)
        if problem:
            problems.append((item, problem))
            continue
        contacts.append((name, title, phone))
    return contacts, problems


def contacts_text(contacts: list[tuple[str, str, str]]) -> str:
    """The export form of contacts, read back by ``parse_contacts``."""
    return ";".join(f"{name}({title}) {phone}" if title else f"{name} {phone}" for name, title, phone in contacts)


def _write_contacts(contacts: dict[int, list[tuple[str, str, str]]], *, fresh: bool = False) -> None:
    """Replace the further contacts of the given enterprises (id -> [(name, title, phone)])."""
    if not fresh:
        delete_in(EnterpriseContact.objects.all(), "enterprise_id", contacts)
    now = timezone.now()
    insert_rows(EnterpriseContact, ["enterprise_id", "name", "title", "phone", "created_at"],
                ((pk, *c, now) for pk, items in contacts.items() for c in items))


def _section(value) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    head = text[0].upper()
    if head in SECTIONS and (len(text) == 1 or not text[1].isalnum() or text[1:].strip() == SECTIONS[head]):
        return head
    if len(text) > 1 and head in SECTIONS and text[1] == " ":
        return head
    return SECTION_BY_NAME.get(text)


def _division(value) -> str | None:
    text = clean_text(value)
    match = re.match(r"^(\d{2})(?:\s|$)", text)
    if match and match.group(1) in DIVISIONS:
        return match.group(1)
    return DIVISION_BY_NAME.get(text)


def enterprise_clean(raw: dict, *, regions: dict[str, Region]) -> tuple[dict, list[tuple[str, object, str]]]:
    """Normalise one enterprise's fields (from a form, a file row or the API).

    Returns (data, problems) where problems are (field name, value, reason in Chinese).
    """
    problems: list[tuple[str, object, str]] = []
    data: dict = {}
    code = clean_code(raw.get("credit_code"))
    problem = credit_code_problem(code)
    if problem:
        problems.append(("credit_code", raw.get("credit_code"), problem))
    data["credit_code"] = code
    data["name"] = clean_text(raw.get("name"))[:200]
    if not data["name"]:
        problems.append(("name", raw.get("name"), "企业名称不能为空"))
    region_code = clean_code(raw.get("region_code"))
    data["region"] = regions.get(region_code)
    if data["region"] is None:
        problems.append(("region_code", raw.get("region_code"),
                         "所属区划代码不能为空" if not region_code else f"区划代码 {region_code} 不存在或不在您的管辖范围内"))
    data["address"] = clean_text(raw.get("address"))[:300]
    section = _section(raw.get("industry_section"))
    if section is None:
        problems.append(("industry_section", raw.get("industry_section"),
                         "行业门类应为 GB/T 4754-2017 门类字母(A-T)或名称,如“C”或“制造业”"))
    data["industry_section"] = section or ""
    data["industry_division"] = ""
    if clean_text(raw.get("industry_division")):
        division = _division(raw.get("industry_division"))
        if division is None:
            problems.append(("industry_division", raw.get("industry_division"),
                             "行业大类应为两位代码或名称,如“39”或“计算机、通信和其他电子设备制造业”"))
        elif section and DIVISIONS[division][0] != section:
            problems.append(("industry_division", raw.get("industry_division"),
                             f"行业大类 {division} 属于门类 {DIVISIONS[division][0]},与行业门类 {section} 不符"))
        else:
            data["industry_division"] = division
    scale = SCALE_WORDS.get(clean_text(raw.get("scale")).lower())
    if scale is None:
        problems.append(("scale", raw.get("scale"), "企业规模应为“规上”或“中小微”"))
    data["scale"] = scale or ""
    grade = clean_code(raw.get("credit_grade")).removesuffix("级")
    if grade and grade not in GRADES:
        problems.append(("credit_grade", raw.get("credit_grade"), "信用等级应为 A、B、C、D 之一,或留空"))
    data["credit_grade"] = grade if grade in GRADES else ""
    risk_text = clean_text(raw.get("risk_level")).lower()
    risk = RISK_WORDS.get(risk_text)
    if risk_text and risk is None:
        problems.append(("risk_level", raw.get("risk_level"), "风险等级应为 红、黄、蓝 之一,或留空"))
    data["risk_level"] = risk or ""
    data["established_on"] = None
    if raw.get("established_on") not in (None, ""):
        try:
            data["established_on"] = parse_date(raw.get("established_on"))
        except DateParseError as exc:
            problems.append(("established_on", raw.get("established_on"), str(exc)))
    data["contact_name"] = clean_text(raw.get("contact_name"))[:50]
    phone = clean_code(raw.get("contact_phone"))
    if phone:
        problem = phone_problem(phone)
        if problem:
            problems.append(("contact_phone", raw.get("contact_phone"), problem))
    data["contact_phone"] = phone
    tags = parse_tags(raw.get("tags"))
    for tag in tags:
        if len(tag) > 20:
            problems.append(("tags", tag, "单个标签不能超过20个字"))
    text = tags_text(tags)
    if len(text) > 300:
        problems.append(("tags", raw.get("tags"), "标签总长度不能超过300个字符"))
    data["tags"] = text
    return data, problems


def enterprise_terms(obj) -> dict[str, int]:
    """Search terms of an enterprise: its name (the credit code is matched by prefix instead)."""
    name = obj["name"] if isinstance(obj, dict) else obj.name
    return search.weighted_terms([(name, 10)])


def _raise(problems):
    errors: dict[str, list[str]] = {}
    for field, _value, reason in problems:
        errors.setdefault(field, []).append(reason)
    raise ValidationError(errors)


def regions_for(actor) -> dict[str, Region]:
    """Regions an actor may place enterprises in: its own subtree (all for the system)."""
    qs = Region.objects.all() if actor is None else Region.objects.restrict(actor, VIEW)
    return {r.code: r for r in qs}


def check_can_write(actor) -> None:
    if actor is not None and actor.role not in Enterprise.scope.change_roles:
        raise PermissionDenied("当前角色无权维护市场主体库")


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    """Register an enterprise. ``fields`` are raw values (region by ``region_code``)."""
    check_can_write(actor)
    data, problems = enterprise_clean(fields, regions=regions_for(actor))
    if not problems and Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
        problems.append(("credit_code", data["credit_code"], "该统一社会信用代码已登记"))
    if problems:
        _raise(problems)
    enterprise = Enterprise(**data)
    enterprise.save()
    search.rebuild_terms(EnterpriseTerm, {enterprise.pk: enterprise_terms(enterprise)}, fresh=True)
    write_tags({enterprise.pk: enterprise.tags}, fresh=True)
    audit_record(actor=actor, action="enterprise.create", obj=enterprise,
                 changes=diff(None, snapshot(enterprise, FIELDS)))
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **fields) -> Enterprise:
    """Change an enterprise's attributes; the credit code is the key and never changes."""
    if not in_scope(enterprise, actor, CHANGE):
        raise PermissionDenied("无权修改该市场主体")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    data, problems = enterprise_clean({**fields, "credit_code": enterprise.credit_code}, regions=regions_for(actor))
    if problems:
        _raise(problems)
    before = snapshot(enterprise, FIELDS)
    for name in EDITABLE:
        setattr(enterprise, name, data[name])
    changes = diff(before, snapshot(enterprise, FIELDS))
    if changes:
        enterprise.save(update_fields=[*EDITABLE, "updated_at"])
        if "name" in changes:
            search.rebuild_terms(EnterpriseTerm, {enterprise.pk: enterprise_terms(enterprise)})
        if "tags" in changes:
            write_tags({enterprise.pk: enterprise.tags})
        audit_record(actor=actor, action="enterprise.update", obj=enterprise, changes=changes)
    return enterprise


@transaction.atomic
def enterprise_set_tags(*, actor, enterprise: Enterprise, tags: list[str]) -> Enterprise:
    """Replace an enterprise's tags (涉企投诉、新开办…)."""
    if not in_scope(enterprise, actor, CHANGE):
        raise PermissionDenied("无权修改该市场主体")
    text = tags_text(parse_tags(tags))
    if len(text) > 300 or any(len(t) > 20 for t in parse_tags(tags)):
        raise ValidationError({"tags": "标签过长(单个不超过20字,合计不超过300字符)"})
    before = enterprise.tags
    if text != before:
        Enterprise.objects.filter(pk=enterprise.pk).update(tags=text)
        enterprise.tags = text
        write_tags({enterprise.pk: text})
        audit_record(actor=actor, action="enterprise.tag", obj=enterprise, changes={"tags": [before, text]})
    return enterprise


@transaction.atomic
def enterprise_contact_add(*, actor, enterprise: Enterprise, name: str, phone: str, title: str = "") -> EnterpriseContact:
    """Add a contact person; the phone number must be a mobile or landline number."""
    if not in_scope(enterprise, actor, CHANGE):
        raise PermissionDenied("无权修改该市场主体")
    name, title, phone = clean_text(name)[:50], clean_text(title)[:50], clean_code(phone)
    errors = {}
    if not name:
        errors["name"] = "请填写联系人姓名"
    problem = phone_problem(phone) if phone else "请填写联系电话"
    if problem:
        errors["phone"] = problem
    if errors:
        raise ValidationError(errors)
    contact = EnterpriseContact(enterprise=enterprise, name=name, title=title, phone=phone)
    contact.save()
    audit_record(actor=actor, action="enterprise.contact_add", obj=enterprise,
                 changes={"contact": [None, f"{name} {title} {phone}".replace("  ", " ")]})
    return contact


@transaction.atomic
def enterprise_contact_remove(*, actor, contact: EnterpriseContact) -> None:
    enterprise = contact.enterprise
    if not in_scope(enterprise, actor, CHANGE):
        raise PermissionDenied("无权修改该市场主体")
    text = f"{contact.name} {contact.title} {contact.phone}".replace("  ", " ")
    contact.delete()
    audit_record(actor=actor, action="enterprise.contact_remove", obj=enterprise, changes={"contact": [text, None]})


IMPORT_BATCH = 5000
_COLUMNS = ["region_id" if f == "region" else f for f in FIELDS]


def _insert_enterprises(rows: list[dict]) -> dict[str, int]:
    """Write new enterprises (cleaned rows) through the bulk path; returns credit code -> id."""
    now = timezone.now()
    values = ([row["region"].pk if f == "region" else row[f] for f in FIELDS] + [now, now] for row in rows)
    insert_rows(Enterprise, [*_COLUMNS, "created_at", "updated_at"], values)
    return _ids_by_code([row["credit_code"] for row in rows])


def _ids_by_code(codes: list[str]) -> dict[str, int]:
    """Credit code -> id of the registered enterprises among ``codes``."""
    return dict(rows_in(Enterprise.objects.values_list("credit_code", "pk"), "credit_code", codes))


@transaction.atomic
def enterprises_import(*, actor, rows: list[dict], progress: Callable | None = None) -> dict:
    """Create or update enterprises in bulk, keyed by credit code (rows already cleaned).

    Rows are written in chunks (bounded memory for 460,000-row files) inside the caller's
    one transaction, so a failure anywhere leaves nothing behind. Unchanged rows are not
    written. One audit entry summarises the import, listing the codes created and updated.
    """
    check_can_write(actor)
    total = len(rows)
    known = set(_ids_by_code([r["credit_code"] for r in rows]))
    if actor is not None and known:
        # Updating a record requires it to be in the actor's scope, not just the target region.
        listed = sorted(known)
        allowed = set(rows_in(Enterprise.objects.restrict(actor, CHANGE).values_list("credit_code", flat=True),
                              "credit_code", listed))
        outside = [c for c in listed if c not in allowed]
        if outside:
            raise ValidationError([f"统一社会信用代码 {c} 已由其他辖区登记,无权更新" for c in outside[:50]])
    created_codes, updated_codes = [], []
    unchanged = done = 0
    for start in range(0, total, IMPORT_BATCH):
        chunk = rows[start:start + IMPORT_BATCH]
        chunk_known = [r["credit_code"] for r in chunk if r["credit_code"] in known]
        existing = {e.credit_code: e for e in rows_in(Enterprise.objects.all(), "credit_code", chunk_known)}
        stored_contacts: dict[int, list] = {}
        for c in rows_in(EnterpriseContact.objects.order_by("pk"), "enterprise_id", [e.pk for e in existing.values()]):
            stored_contacts.setdefault(c.enterprise_id, []).append((c.name, c.title, c.phone))
        to_create, to_update, renamed, retagged, recontacted = [], [], [], [], {}
        for row in chunk:
            current = existing.get(row["credit_code"])
            if current is None:
                to_create.append(row)
                continue
            changed = False
            contacts = row.get("contacts")
            if contacts is not None and contacts != stored_contacts.get(current.pk, []):
                recontacted[current.pk] = contacts
                changed = True
            for name in EDITABLE:
                new, old = row[name], getattr(current, name)
                if (old.pk if hasattr(old, "pk") else old) != (new.pk if hasattr(new, "pk") else new):
                    if name == "name":
                        renamed.append(current)
                    elif name == "tags":
                        retagged.append(current)
                    setattr(current, name, new)
                    changed = True
            if changed:
                to_update.append(current)
            else:
                unchanged += 1
        if to_create:
            ids = _insert_enterprises(to_create)
            search.rebuild_terms(EnterpriseTerm, {ids[r["credit_code"]]: enterprise_terms(r) for r in to_create},
                                 fresh=True)
            write_tags({ids[r["credit_code"]]: r["tags"] for r in to_create if r["tags"]}, fresh=True)
            _write_contacts({ids[r["credit_code"]]: r["contacts"] for r in to_create if r.get("contacts")}, fresh=True)
        if to_update:
            Enterprise.objects.bulk_update(to_update, EDITABLE)
        if renamed:
            search.rebuild_terms(EnterpriseTerm, {e.pk: enterprise_terms(e) for e in renamed})
        if retagged:
            write_tags({e.pk: e.tags for e in retagged})
        if recontacted:
            _write_contacts(recontacted)
        created_codes.extend(r["credit_code"] for r in to_create)
        updated_codes.extend(e.credit_code for e in to_update)
        done += len(chunk)
        if progress:
            progress(done, total, "写入市场主体与检索索引")
    result = {"created": len(created_codes), "updated": len(updated_codes), "unchanged": unchanged, "rows": total}
    audit_record(actor=actor, action="enterprise.import", object_type="enterprises.enterprise",
                 object_repr=f"导入市场主体 {total} 行",
                 changes={**result, "created_codes": created_codes[:1000], "updated_codes": updated_codes[:1000]})
    if progress:
        progress(total, total, "完成")
    return result


def rebuild_index(*, progress: Callable | None = None) -> int:
    """Recompute every enterprise's search terms and tag rows (after changing the segmentation)."""
    count = 0
    ids = list(Enterprise.objects.values_list("pk", "name", "tags"))
    for i in range(0, len(ids), 10000):
        with transaction.atomic():
            search.rebuild_terms(EnterpriseTerm, {pk: enterprise_terms({"name": n}) for pk, n, _t in ids[i:i + 10000]})
            write_tags({pk: t for pk, _n, t in ids[i:i + 10000]})
        count += len(ids[i:i + 10000])
        if progress:
            progress(count, len(ids), "重建检索索引")
    return count
