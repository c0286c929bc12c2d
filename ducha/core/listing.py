"""List pages: sorting, pagination and export of any filtered queryset, the same way everywhere."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpResponse
from django.utils import timezone

from ducha.core.imports import write_csv, write_xlsx

PAGE_SIZES = (20, 50, 100)


def sort_queryset(request, qs, allowed: dict[str, str], default: str, *, ranked: bool = False):
    """Order by ``?sort=key`` or ``?sort=-key`` where key is one of ``allowed``.

    ``ranked`` results (a search, best match first) keep their order unless the user picks
    a column; the sort returned is then "".
    """
    if ranked and "sort" not in request.GET:
        return qs, ""
    raw = request.GET.get("sort", default)
    key = raw.lstrip("-")
    if key not in allowed:
        raw, key = default, default.lstrip("-")
    field = allowed[key]
    descending = raw.startswith("-")
    tiebreak = () if field in ("id", "pk") else ("pk",)
    return qs.order_by(f"-{field}" if descending else field, *tiebreak), raw


def paginate(request, qs, per_page: int = 20):
    try:
        per_page = int(request.GET.get("per_page", per_page))
    except ValueError:
        per_page = 20
    if per_page not in PAGE_SIZES:
        per_page = 20
    paginator = Paginator(qs, per_page)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return page


def querystring_without(request, *keys) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()


def export_response(request, *, filename: str, sheet: str, headers: list[str], rows) -> HttpResponse | None:
    """When ``?export=xlsx`` or ``?export=csv`` is asked, the filtered rows as a file."""
    fmt = request.GET.get("export")
    if fmt not in ("xlsx", "csv"):
        return None
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    if fmt == "xlsx":
        body = write_xlsx(sheet, headers, rows)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body = write_csv(headers, rows)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'{filename}-{stamp}.{fmt}')}"
    return response


def file_response(body: bytes, filename: str, content_type: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
