"""Parsing dates as users type them in Chinese offices and as Excel stores them."""

import datetime as dt
import re

from ducha.core.text import clean_code

EXCEL_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0, accounting for its 1900 leap-year bug
_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


class DateParseError(ValueError):
    pass


def parse_date(value) -> dt.date:
    """A date from a date, an Excel serial, or text such as 2024-03-05, 2024/3/5, 2024年3月5日.

    Raises DateParseError with a Chinese message when the value is not a real date.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or value is None:
        raise DateParseError("日期不能为空")
    if isinstance(value, int | float):
        return _from_serial(value)
    text = clean_code(value)
    if not text:
        raise DateParseError("日期不能为空")
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _from_serial(float(text))
    for pattern in _PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups()[:3])
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise DateParseError(f"日期“{value}”不存在") from None
    raise DateParseError(f"无法识别的日期“{value}”,请使用 2024-03-05、2024/3/5 或 2024年3月5日")


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise DateParseError(f"日期序号 {serial} 超出范围")
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def parse_iso_date(text: str) -> dt.date:
    """Strict ISO date for command-line arguments and API parameters."""
    try:
        return dt.date.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise DateParseError(f"日期格式应为 YYYY-MM-DD,收到“{text}”") from None
