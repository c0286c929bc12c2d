"""Chinese full-text search that works the same on SQLite and PostgreSQL.

Each searchable model has a term table with one row per (document, term) and a
weight summed over the fields the term occurs in (a title hit outweighs many body
hits). Text is segmented with jieba in search mode without HMM, so the same word is
cut the same way in a query and in a document. A query matches documents that hold
every query term; they are ranked by the summed weight. Plain indexed equality on
``term`` keeps this portable (no FTS5, no tsvector) and fast.
"""

import html
import re
import threading
from collections import Counter

import jieba
from django.db.models import Count, Sum
from django.utils.safestring import mark_safe

from ducha.core.bulk import delete_in, insert_rows, rows_in
from ducha.core.text import clean_text

# Domain words jieba's dictionary lacks, so that they are kept whole (and, in search
# mode, also yield their dictionary sub-words such as 小微 / 企业).
DOMAIN_WORDS = [
    "惠企", "惠企政策", "加计扣除", "研发费用", "小微企业", "专精特新", "营商环境", "首台套", "稳岗返还",
    "留抵退税", "统一社会信用代码", "规上企业", "中小微企业", "高新技术企业", "科技型中小企业", "贷款贴息",
    "以工代训", "一网通办", "免申即享", "直达快享", "政策兑现", "创业担保贷款", "技术改造", "数字化转型",
    "个体工商户", "新开办", "涉企投诉", "双随机", "揭榜挂帅", "普惠金融", "纾困", "减税降费", "社保费",
]
STOP = set("的了和与及或在是对为由等其之于以把被这那有也都就而并且从向按将已所")
_PUNCT = re.compile(r"^[\W_]+$")
MAX_TERM = 32
_init_lock = threading.Lock()
_ready = False


def _init() -> None:
    global _ready
    if _ready:
        return
    with _init_lock:
        if not _ready:
            jieba.setLogLevel(60)
            for word in DOMAIN_WORDS:
                jieba.add_word(word, freq=200000)
            _ready = True


def tokens(text: str) -> list[str]:
    """Search-mode terms of ``text``: lower-cased, no punctuation, no stop characters."""
    _init()
    text = clean_text(text).lower()
    out = []
    for tok in jieba.cut_for_search(text, HMM=False):
        tok = tok.strip()
        if not tok or tok in STOP or _PUNCT.match(tok) or len(tok) > MAX_TERM:
            continue
        out.append(tok)
    return out


def weighted_terms(fields: list[tuple[str, int]], *, cap: int = 5) -> dict[str, int]:
    """{term: weight} over (text, field weight) pairs; repeated hits in one field count up to ``cap``."""
    weights: Counter = Counter()
    for text, field_weight in fields:
        if not text:
            continue
        for term, n in Counter(tokens(text)).items():
            weights[term] += field_weight * min(n, cap)
    return dict(weights)


def query_terms(query: str) -> list[str]:
    """The terms a query must match. Search mode also yields the sub-words of a long word
    (小微企业 → 小微, 企业, 小微企业), and a document holding the long word holds them too,
    so they are dropped: requiring 企业 again would only read its long posting list."""
    terms = list(dict.fromkeys(tokens(query)))
    return [t for t in terms if not any(t != other and t in other for other in terms)][:12]


SMALL = 5000  # matches checked against the user's scope by id; above this, inside the one query


def search(qs, term_model, query: str):
    """The documents of ``qs`` holding every term of ``query``, best first, as a ``Ranked``
    sequence (count, slicing, iteration like a queryset). An empty query returns ``qs``.

    The plan keeps every read on the (term, document) index and never groups or sorts
    wide document rows:

    1. count each term's documents (an index-only count) — a term nobody holds ends it;
    2. take the rarest term's documents as candidates and sum the weights of all query
       terms over them only (so a common word such as 惠企 next to a rare one costs the
       rare one's size);
    3. few matches are checked against ``qs`` (scope and filters) by id; many matches are
       restricted to ``qs`` inside the same grouped query, so there is no second pass.

    Ranking happens in Python over (score, id) pairs.
    """
    terms = query_terms(query)
    if not terms:
        return qs
    doc = term_model.doc_field
    df = dict(term_model.objects.filter(term__in=terms).values("term").annotate(n=Count("*"))
              .values_list("term", "n"))
    if len(df) < len(terms):
        return Ranked(qs, [], {}, qs.none().values("pk"))
    rarest = min(terms, key=lambda t: (df[t], t))
    matches = term_model.objects.filter(term__in=terms)
    if len(terms) > 1:
        matches = matches.filter(**{f"{doc}__in": term_model.objects.filter(term=rarest).values(doc)})
    if df[rarest] > SMALL:
        matches = matches.filter(**{f"{doc}__in": qs.order_by().values("pk")})
    matches = (matches.values(doc).annotate(matched=Count("term"), score=Sum("weight"))
               .filter(matched=len(terms)).order_by())
    scores = dict(matches.values_list(doc, "score"))
    if df[rarest] > SMALL:
        visible = scores.keys()
    else:
        visible = set(rows_in(qs.values_list("pk", flat=True), "pk", scores))
    ranked = sorted(visible, key=lambda pk: (-scores[pk], pk))
    return Ranked(qs, ranked, scores, matches.values(doc))


class Ranked:
    """Search results in rank order: enough of the queryset API for pagination, the API
    and exports. Rows are fetched only for the slice asked for, carrying ``search_score``."""

    def __init__(self, base, ids: list[int], scores: dict[int, int], subquery):
        # ``subquery`` selects the same matches in SQL, for an explicit sort.
        self.base, self.ids, self.scores, self.subquery = base, ids, scores, subquery

    def _clone(self, base):
        return Ranked(base, self.ids, self.scores, self.subquery)

    def select_related(self, *fields):
        return self._clone(self.base.select_related(*fields))

    def prefetch_related(self, *lookups):
        return self._clone(self.base.prefetch_related(*lookups))

    def order_by(self, *fields):
        """An explicit sort replaces the ranking: a plain queryset of the same matches."""
        return self.base.filter(pk__in=self.subquery).order_by(*fields)

    def count(self) -> int:
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def _fetch(self, ids: list[int]) -> list:
        rows = {obj.pk: obj for obj in self.base.order_by().filter(pk__in=ids)}
        out = []
        for pk in ids:
            if pk in rows:
                rows[pk].search_score = self.scores[pk]
                out.append(rows[pk])
        return out

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._fetch(self.ids[key])
        return self._fetch([self.ids[key]])[0]

    def iterator(self, chunk_size: int = 500):
        for i in range(0, len(self.ids), chunk_size):
            yield from self._fetch(self.ids[i:i + chunk_size])

    def __iter__(self):
        return self.iterator()


def highlight(text: str, query: str) -> str:
    """HTML-escaped ``text`` with every query term wrapped in <mark>."""
    text = text or ""
    terms = sorted({t for t in query_terms(query)}, key=len, reverse=True)
    if not terms:
        return mark_safe(html.escape(text))
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return mark_safe("".join(out))


def snippet(text: str, query: str, width: int = 60) -> str:
    """A highlighted excerpt around the first (longest-term-first) hit in ``text``."""
    text = clean_text(text or "")
    terms = sorted(query_terms(query), key=len, reverse=True)
    hit = -1
    for term in terms:
        hit = text.lower().find(term)
        if hit >= 0:
            break
    if hit < 0:
        piece = text[: width * 2]
        return highlight(piece + ("…" if len(text) > len(piece) else ""), query)
    start = max(0, hit - width)
    piece = text[start: hit + width]
    return highlight(("…" if start else "") + piece + ("…" if hit + width < len(text) else ""), query)


def rebuild_terms(term_model, docs_terms: dict[int, dict[str, int]], *, fresh: bool = False) -> int:
    """Replace the terms of the given documents (id -> {term: weight}) in bulk.

    ``fresh`` skips the delete for documents created in the same transaction. Rows go in
    through ``core.bulk.insert_rows`` (COPY on PostgreSQL), several times faster than
    model instances for millions of terms.
    """
    doc = term_model.doc_field
    if not fresh:
        delete_in(term_model.objects.all(), f"{doc}_id", docs_terms)
    rows = ((pk, t, w) for pk, terms in docs_terms.items() for t, w in terms.items())
    return insert_rows(term_model, [f"{doc}_id", "term", "weight"], rows)
