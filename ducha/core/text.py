"""Normalising text typed or pasted by users: full-width forms, stray spaces."""

import re
import unicodedata

_SPACES = re.compile(r"[\s\u3000\u00a0\u200b\ufeff]+")


_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: " "}


def to_halfwidth(value: str) -> str:
    """Full-width digits, letters, punctuation and spaces to their ASCII forms.

    Only the U+FF01–U+FF5E block and the ideographic space are mapped, so Chinese
    punctuation such as 、and 《》 is left as it is.
    """
    return value.translate(_HALFWIDTH)


def clean_text(value, *, keep_newlines: bool = False) -> str:
    """Half-width, NFC, trimmed, with runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", to_halfwidth(str(value)))
    if keep_newlines:
        lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
        return "\n".join(lines).strip()
    return _SPACES.sub(" ", text).strip()


def clean_code(value) -> str:
    """Identifiers (codes, numbers): half-width, upper case, every space removed."""
    return _SPACES.sub("", to_halfwidth(str(value or ""))).upper()
