"""Pages of the policy library: list with filters and search, detail, form, import, attachments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ducha.core import search
from ducha.core.audit import history_for
from ducha.core.listing import export_response, paginate, querystring_without, sort_queryset
from ducha.core.models import Department, Region
from ducha.core.scope import CHANGE, VIEW, access, in_scope
from ducha.core.text import clean_code
from ducha.core.views import form_page, handle_import
from ducha.enterprises.models import Enterprise
from ducha.policies import selectors, services
from ducha.policies.choices import DeliveryMethod, LinkStatus, PolicyCategory, PolicyLevel, PolicyStatus
from ducha.policies.forms import AttachmentForm, LinkForm, PolicyForm
from ducha.policies.importers import HEADERS, export_rows
from ducha.policies.models import Policy, PolicyAttachment, PolicyEnterprise

SORTS = {"issued": "issued_on", "title": "title", "number": "doc_number", "level": "level",
         "effective": "effective_from", "expires": "effective_to", "updated": "updated_at"}


def _can_write(user) -> bool:
    return user.role in Policy.scope.change_roles


@login_required
def policy_list(request):
    user = request.user
    if not user.is_staff_role:
        raise PermissionDenied("企业用户请在工作台查看适用政策")
    qs, f, searched = selectors.policy_filter(user, request.GET)
    qs, sort = sort_queryset(request, qs, SORTS, "-issued", ranked=searched)
    exported = export_response(request, filename="政策", sheet="政策", headers=HEADERS, rows=export_rows(qs))
    if exported:
        return exported
    page = paginate(request, qs)
    if searched:
        for p in page:
            p.title_html = search.highlight(p.title, f["q"])
            p.snippet = search.snippet(p.body, f["q"])
    return render(request, "policies/list.html", {
        "page": page, "sort": sort, "f": f, "searched": searched,
        "qs_nosort": querystring_without(request, "sort", "page"), "qs_nopage": querystring_without(request, "page"),
        "levels": PolicyLevel.choices, "categories": PolicyCategory.choices, "statuses": PolicyStatus.choices,
        "deliveries": DeliveryMethod.choices, "departments": selectors.departments_with_policies(user),
        "can_write": _can_write(user),
    })


@login_required
def policy_detail(request, pk):
    user = request.user
    policy = access(Policy.objects.select_related("region", "lead_department"), user, pk)
    points = list(policy.points.all())
    links = PolicyEnterprise.objects.restrict(user, VIEW).filter(policy=policy).select_related("enterprise")
    counts = dict(links.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    can_write = _can_write(user) and in_scope(policy, user, CHANGE)
    return render(request, "policies/detail.html", {
        "p": policy, "points": points, "body_html": selectors.body_html(policy, [x.text for x in points],
                                                                       request.GET.get("q", "")),
        "cooperating": policy.cooperating_departments.all(), "attachments": policy.attachments.all(),
        "links": links.order_by("status", "enterprise__name")[:200],
        "link_counts": [(value, label, counts.get(value, 0)) for value, label in LinkStatus.choices],
        "history": history_for(policy)[:50], "can_write": can_write,
        "can_link": user.role in Enterprise.scope.change_roles,
        "attachment_form": AttachmentForm(), "link_form": LinkForm(),
    })


def _form_choices(user):
    regions = Region.objects.restrict(user, VIEW).order_by("path")
    departments = Department.objects.filter(is_active=True).select_related("region").order_by("region__code", "name")
    return regions, departments


@login_required
def policy_form(request, pk=None):
    user = request.user
    if not _can_write(user):
        raise PermissionDenied("当前角色无权维护政策库")
    policy = access(Policy.objects.select_related("region", "lead_department"), user, pk, CHANGE) if pk else None
    initial = {}
    if policy:
        initial = {f: getattr(policy, f) for f in ("doc_number", "title", "issuer", "level", "category",
                                                    "delivery_method", "applicable_scope", "body")}
        initial.update(
            issued_on=policy.issued_on.isoformat(), effective_from=policy.effective_from.isoformat(),
            effective_to=policy.effective_to.isoformat() if policy.effective_to else "",
            region_code=policy.region.code, lead_department=policy.lead_department.name,
            cooperating=[d.name for d in policy.cooperating_departments.all()],
            points="\n".join(policy.points.values_list("text", flat=True)))
    regions, departments = _form_choices(user)
    form = PolicyForm(request.POST or None, initial=initial, regions=regions, departments=departments,
                      editing=bool(policy))

    def save(data):
        data = {**data, "cooperating": "、".join(data["cooperating"])}
        if policy:
            data.pop("doc_number", None)
            return services.policy_update(actor=user, policy=policy, **data)
        return services.policy_create(actor=user, **data)

    return form_page(
        request, form, title=f"修改政策:{policy.title}" if policy else "登记政策",
        back_url=reverse("policies:detail", args=[policy.pk]) if policy else reverse("policies:list"),
        save=save, success=lambda p: f"已保存:{p.title}", done_url=lambda p: reverse("policies:detail", args=[p.pk]))


@login_required
def policy_import(request):
    if not _can_write(request.user):
        raise PermissionDenied("当前角色无权导入政策")
    return handle_import(request, "policies", title="政策", back_url=reverse("policies:list"),
                         template_url=reverse("core:import_template", args=["policies"]))


@login_required
def link_import(request):
    if request.user.role not in Enterprise.scope.change_roles:
        raise PermissionDenied("当前角色无权导入政策享受名单")
    return handle_import(request, "policy_enterprises", title="政策享受名单", back_url=reverse("policies:list"),
                         template_url=reverse("core:import_template", args=["policy_enterprises"]))


@login_required
@require_POST
def attachment_upload(request, pk):
    policy = access(Policy, request.user, pk, CHANGE)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            att = services.policy_attachment_add(actor=request.user, policy=policy, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            messages.error(request, ";".join(exc.messages))
        else:
            messages.success(request, f"已上传附件:{att.name}(SHA-256 {att.sha256[:12]}…)")
    else:
        messages.error(request, ";".join(e for errs in form.errors.values() for e in errs))
    return redirect("policies:detail", pk=policy.pk)


@login_required
def attachment_download(request, pk, att_pk):
    policy = access(Policy, request.user, pk)
    attachment = PolicyAttachment.objects.filter(policy=policy, pk=att_pk).first()
    if attachment is None:
        raise Http404("附件不存在")
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)


@login_required
@require_POST
def link_set(request, pk):
    policy = access(Policy, request.user, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        code = clean_code(form.cleaned_data["credit_code"])
        enterprise = Enterprise.objects.restrict(request.user, CHANGE).filter(credit_code=code).first()
        if enterprise is None:
            messages.error(request, f"未找到信用代码为 {code} 的市场主体,或不在您的管辖范围内")
        else:
            try:
                services.policy_enterprise_set(actor=request.user, policy=policy, enterprise=enterprise,
                                               status=form.cleaned_data["status"])
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, f"已更新:{enterprise.name}")
    else:
        messages.error(request, "请输入统一社会信用代码")
    return redirect(reverse("policies:detail", args=[policy.pk]) + "#enterprises")
