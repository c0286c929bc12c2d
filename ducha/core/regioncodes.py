"""Statistical division codes (统计用区划代码): level and parent from the code itself.

Canonical forms: 6 digits for 省/市/县区, 9 for 乡镇街道, 12 for 村社区. A 12-digit
code padded with zeros ("990100000000") is reduced to its canonical form.
"""

from ducha.core.choices import RegionLevel


def canonical_code(raw: str) -> str | None:
    code = raw.strip()
    if not code.isdigit() or len(code) not in (6, 9, 12):
        return None
    if len(code) == 12:
        if code.endswith("000000"):
            code = code[:6]
        elif code.endswith("000"):
            code = code[:9]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    return code


def level_of(code: str) -> int:
    if len(code) == 12:
        return RegionLevel.VILLAGE
    if len(code) == 9:
        return RegionLevel.TOWNSHIP
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def parent_candidates(code: str) -> list[str]:
    """Codes that may be the parent, nearest first (a county may hang off the province
    directly when the list has no city for it, as with 省直辖县级行政区划)."""
    level = level_of(code)
    if level == RegionLevel.VILLAGE:
        return [code[:9]]
    if level == RegionLevel.TOWNSHIP:
        return [code[:6]]
    if level == RegionLevel.COUNTY:
        return [code[:4] + "00", code[:2] + "0000"]
    if level == RegionLevel.CITY:
        return [code[:2] + "0000"]
    return []
