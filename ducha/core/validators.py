"""Validators for identifiers used across the platform, with Chinese messages."""

import re

from django.core.exceptions import ValidationError

# GB 32100-2015: 18 characters from 0-9 and 21 capitals (no I, O, Z, S, V).
CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
# GB 11714-1997 organisation code (positions 9-17 of the credit code).
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    def value(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - 55

    remainder = 11 - sum(value(c) * w for c, w in zip(first8, ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def credit_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code, or None when it is."""
    if not code:
        return "统一社会信用代码不能为空"
    if len(code) != 18:
        return f"统一社会信用代码应为18位,实际为{len(code)}位"
    bad = sorted({c for c in code if c not in CREDIT_CHARSET})
    if bad:
        return f"统一社会信用代码含有不允许的字符:{''.join(bad)}(不使用 I、O、Z、S、V 及小写字母)"
    if not code[2:8].isdigit():
        return "统一社会信用代码第3-8位应为行政区划码(数字)"
    if org_check_char(code[8:16]) != code[16]:
        return "统一社会信用代码第9-17位(组织机构代码)校验位不正确"
    if credit_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位(第18位)不正确"
    return None


def validate_credit_code(code: str) -> None:
    problem = credit_code_problem(code)
    if problem:
        raise ValidationError(problem, code="credit_code")


def make_credit_code(prefix2: str, region6: str, org_body8: str) -> str:
    """Build a valid credit code from its parts (used by demo data and tests)."""
    org = org_body8 + org_check_char(org_body8)
    first17 = prefix2 + region6 + org
    return first17 + credit_check_char(first17)


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def phone_problem(phone: str) -> str | None:
    if MOBILE_RE.match(phone) or LANDLINE_RE.match(phone):
        return None
    return "电话号码格式不正确(手机号11位,以1开头;座机如 0543-3161234)"


def validate_phone(phone: str) -> None:
    problem = phone_problem(phone)
    if problem:
        raise ValidationError(problem, code="phone")
