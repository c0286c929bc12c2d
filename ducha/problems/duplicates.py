"""Duplicate reports of one problem (the same problem through several channels).

Two problems are candidates when they concern the same subject and their descriptions
are similar: cosine similarity of jieba word counts at or above ``THRESHOLD``.
"""

import math
import re
from collections import Counter
from functools import lru_cache

from ducha.problems.choices import VOID_STATES
from ducha.problems.models import Problem

THRESHOLD = 0.6
_STOP = set("的 了 和 与 及 在 对 是 未 不 有 等 中 为 按 将 并 或 其 该 已 被".split())
_WORD = re.compile(r"\w", re.UNICODE)


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    import jieba

    jieba.setLogLevel(60)
    return tuple(w for w in jieba.lcut(text or "") if _WORD.search(w) and w not in _STOP)


def similarity(a: str, b: str) -> float:
    """Cosine similarity of the two texts' word counts (0 … 1)."""
    ca, cb = Counter(_tokens(a)), Counter(_tokens(b))
    if not ca or not cb:
        return 0.0
    dot = sum(ca[w] * cb[w] for w in ca.keys() & cb.keys())
    return dot / (math.sqrt(sum(v * v for v in ca.values())) * math.sqrt(sum(v * v for v in cb.values())))


def same_subject(qs, problem: Problem):
    if problem.subject_id:
        return qs.filter(subject_kind=problem.subject_kind, subject_id=problem.subject_id)
    if problem.subject_label:
        return qs.filter(subject_kind=problem.subject_kind, subject_label=problem.subject_label)
    return qs.none()


def duplicate_candidates(qs, problem: Problem, threshold: float = THRESHOLD) -> list[tuple[Problem, float]]:
    """Problems in ``qs`` that look like the same problem as ``problem``, most similar first."""
    others = same_subject(qs, problem).exclude(pk=problem.pk).exclude(status__in=VOID_STATES)
    text = f"{problem.title} {problem.description}"
    found = []
    for other in others.select_related("region", "lead_department")[:500]:
        score = similarity(text, f"{other.title} {other.description}")
        if score >= threshold:
            found.append((other, round(score, 2)))
    return sorted(found, key=lambda x: -x[1])
