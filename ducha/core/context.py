"""Where the current write comes from (web / api / cli / system), for the audit trail.

Set once per request by middleware, per API call by the API's auth, per command by
the CLI; service functions read it instead of taking it as an argument everywhere.
"""

import contextlib
import contextvars

from ducha.core.choices import AuditSource

_source: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar(
    "ducha_source", default=(AuditSource.SYSTEM, "")
)


def current_source() -> tuple[str, str]:
    return _source.get()


def set_source(kind: str, detail: str = ""):
    return _source.set((kind, detail[:200]))


def reset_source(token) -> None:
    _source.reset(token)


@contextlib.contextmanager
def source(kind: str, detail: str = ""):
    token = set_source(kind, detail)
    try:
        yield
    finally:
        reset_source(token)
