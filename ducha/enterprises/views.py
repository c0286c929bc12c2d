"""Pages of the enterprise library: list with filters and search, detail, form, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ducha.core import search
from ducha.core.audit import history_for
from ducha.core.choices import RegionLevel
from ducha.core.listing import export_response, paginate, querystring_without, sort_queryset
from ducha.core.models import Region
from ducha.core.scope import CHANGE, VIEW, access, in_scope
from ducha.core.views import form_page, handle_import
from ducha.enterprises import selectors, services
from ducha.enterprises.choices import (
    COMMON_TAGS,
    DIVISION_CHOICES,
    SECTION_CHOICES,
    CreditGrade,
    RiskLevel,
    Scale,
)
from ducha.enterprises.forms import ContactForm, EnterpriseForm
from ducha.enterprises.importers import HEADERS, export_rows
from ducha.enterprises.models import Enterprise, EnterpriseContact

# Newest registrations first by default: the id order needs no sort over the filtered rows
# (a province holds 460,000 enterprises), unlike an order by any other column.
SORTS = {"added": "id", "code": "credit_code", "name": "name", "region": "region__code", "industry": "industry_section",
         "scale": "scale", "credit": "credit_grade", "risk": "risk_level", "updated": "updated_at"}


def _can_write(user) -> bool:
    return user.role in Enterprise.scope.change_roles


@login_required
def enterprise_list(request):
    user = request.user
    if not user.is_staff_role:
        raise PermissionDenied("企业用户只能查看本企业信息")
    qs, f, searched = selectors.enterprise_filter(user, request.GET)
    qs, sort = sort_queryset(request, qs, SORTS, "-added", ranked=searched)
    exported = export_response(request, filename="市场主体", sheet="市场主体", headers=HEADERS, rows=export_rows(qs))
    if exported:
        return exported
    page = paginate(request, qs)
    if searched:
        for e in page:
            e.name_html = search.highlight(e.name, f["q"])
    return render(request, "enterprises/list.html", {
        "page": page, "sort": sort, "f": f, "searched": searched,
        "qs_nosort": querystring_without(request, "sort", "page"), "qs_nopage": querystring_without(request, "page"),
        "regions": Region.objects.restrict(user, VIEW).filter(level__lte=RegionLevel.COUNTY).order_by("path"),
        "sections": SECTION_CHOICES, "divisions": DIVISION_CHOICES, "scales": Scale.choices,
        "policy_lists": selectors.policy_lists(),
        "grades": CreditGrade.choices, "risks": RiskLevel.choices, "tags": COMMON_TAGS, "can_write": _can_write(user),
    })


@login_required
def enterprise_detail(request, pk):
    enterprise = access(Enterprise.objects.select_related("region"), request.user, pk)
    ancestors = Region.objects.filter(code__in=enterprise.region.path.strip("/").split("/")).order_by("path")
    links = getattr(enterprise, "policy_links", None)
    return render(request, "enterprises/detail.html", {
        "e": enterprise, "ancestors": ancestors, "history": history_for(enterprise)[:50],
        "contacts": enterprise.contacts.all(), "contact_form": ContactForm(),
        "policy_links": links.select_related("policy").order_by("-updated_at")[:100] if links is not None else [],
        "can_write": _can_write(request.user) and in_scope(enterprise, request.user, CHANGE),
    })


@login_required
def enterprise_form(request, pk=None):
    user = request.user
    if not _can_write(user):
        raise PermissionDenied("当前角色无权维护市场主体库")
    enterprise = access(Enterprise.objects.select_related("region"), user, pk, CHANGE) if pk else None
    initial = {}
    if enterprise:
        initial = {f: getattr(enterprise, f) for f in services.FIELDS if f not in ("region", "tags")}
        initial.update(region_code=enterprise.region.code, tags="、".join(enterprise.tag_list),
                       established_on=enterprise.established_on.isoformat() if enterprise.established_on else "")
    regions = Region.objects.restrict(user, VIEW).order_by("path")
    form = EnterpriseForm(request.POST or None, initial=initial, regions=regions, editing=bool(enterprise))

    def save(data):
        if enterprise:
            data = {k: v for k, v in data.items() if k != "credit_code"}
            return services.enterprise_update(actor=user, enterprise=enterprise, **data)
        return services.enterprise_create(actor=user, **data)

    return form_page(
        request, form, title=f"修改市场主体:{enterprise.name}" if enterprise else "登记市场主体",
        back_url=reverse("enterprises:detail", args=[enterprise.pk]) if enterprise else reverse("enterprises:list"),
        save=save, success=lambda e: f"已保存:{e.name}", done_url=lambda e: reverse("enterprises:detail", args=[e.pk]))


@login_required
def enterprise_import(request):
    if not _can_write(request.user):
        raise PermissionDenied("当前角色无权导入市场主体")
    return handle_import(request, "enterprises", title="市场主体", back_url=reverse("enterprises:list"),
                         template_url=reverse("core:import_template", args=["enterprises"]))


@login_required
@require_POST
def contact_add(request, pk):
    enterprise = access(Enterprise, request.user, pk, CHANGE)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.enterprise_contact_add(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, ";".join(exc.messages))
        else:
            messages.success(request, "已添加联系人")
    else:
        messages.error(request, ";".join(e for errs in form.errors.values() for e in errs))
    return redirect(reverse("enterprises:detail", args=[enterprise.pk]) + "#contacts")


@login_required
@require_POST
def contact_remove(request, pk, contact_pk):
    enterprise = access(Enterprise, request.user, pk, CHANGE)
    contact = EnterpriseContact.objects.filter(enterprise=enterprise, pk=contact_pk).first()
    if contact is None:
        raise Http404("联系人不存在")
    services.enterprise_contact_remove(actor=request.user, contact=contact)
    messages.success(request, "已删除联系人")
    return redirect(reverse("enterprises:detail", args=[enterprise.pk]) + "#contacts")
