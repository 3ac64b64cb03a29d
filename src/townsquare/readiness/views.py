"""The launch program's pages: the inventory (list, an item, import and export) and the
priorities (the ranked list, the weights and the launch shortlist)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from townsquare.accounts.selectors import user_by_username
from townsquare.catalog.models import Organization
from townsquare.core.errors import Invalid, PermissionDenied
from townsquare.core.views import domain_errors, run_service
from townsquare.readiness import guide, overview, policies, rows, selectors, services, sheets
from townsquare.readiness.factors import DEFAULT_WEIGHTS, FACTORS
from townsquare.readiness.forms import ItemForm, PrioritiesForm, UploadForm
from townsquare.readiness.models import InventoryItem

PER_PAGE = 100


@dataclass
class Pages:
    page: int
    pages: int


def _paged(request: HttpRequest, found: Any) -> tuple[list[Any], Pages, int]:
    """One page of ``found`` (a query or a list), with where it is among the pages."""
    paginator = Paginator(found, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return list(page.object_list), Pages(page.number, paginator.num_pages), paginator.count


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page") or 1))
    except ValueError:
        return 1


def _departments(request: HttpRequest) -> list[tuple[str, str]]:
    kept = policies.kept_organizations(request.user)
    organizations = Organization.objects.order_by("name")
    if kept is not None:
        organizations = organizations.filter(pk__in=kept)
    return [(o.slug, o.name) for o in organizations]


@login_required
@domain_errors
def inventory(request: HttpRequest) -> HttpResponse:
    department, state = request.GET.get("department", ""), request.GET.get("state", "")
    items = selectors.inventory_items(actor=request.user, organization=department, state=state)
    shown, pages, total = _paged(request, items)
    return render(
        request,
        "readiness/inventory.html",
        {
            "items": shown,
            "results": pages,
            "total": total,
            "department": department,
            "state": state,
            "states": InventoryItem.State.choices,
            "organizations": Organization.objects.filter(
                pk__in=items.values("organization_id")
            ).order_by("name"),
            "can_add": bool(_departments(request)),
        },
    )


@login_required
@domain_errors
def item_new(request: HttpRequest) -> HttpResponse:
    departments = _departments(request)
    if not departments:
        raise PermissionDenied("Only stewards and coordinators add inventory items.")
    form = ItemForm(request.POST or None, departments=departments, editing=False)
    if request.method == "POST" and form.is_valid():
        item = run_service(
            form,
            lambda: services.inventory_item_create(
                actor=request.user, **rows.one(request.user, form.values())
            ),
        )
        if item is not None:
            messages.success(request, f"{item.title} is in the inventory.")
            return redirect("readiness:item", item.identifier)
    return render(request, "readiness/item_form.html", {"form": form, "item": None})


@login_required
@domain_errors
def item(request: HttpRequest, identifier: str) -> HttpResponse:
    found = selectors.inventory_item(actor=request.user, identifier=identifier)
    may_keep = policies.can_keep_items_of(request.user, found.organization_id)
    form = ItemForm(
        request.POST or None,
        initial=ItemForm.initial_for(found),
        departments=_departments(request) or [(found.organization.slug, found.organization.name)],
        editing=True,
    )
    if request.method == "POST" and may_keep and form.is_valid():
        saved = run_service(form, lambda: _update(request, found, form))
        if saved is not None:
            messages.success(request, f"{saved.title} was saved.")
            return redirect("readiness:item", saved.identifier)
    return render(
        request,
        "readiness/item_form.html",
        {
            "form": form,
            "item": found,
            "may_keep": may_keep,
            "may_shortlist": policies.can_run_program(request.user),
        },
    )


def _update(request: HttpRequest, found: InventoryItem, form: ItemForm) -> InventoryItem:
    values = rows.one(request.user, form.values(), existing=found)
    values.pop("identifier", None)
    return services.inventory_item_update(actor=request.user, item=found, **values)


@login_required
@require_POST
@domain_errors
def item_draft(request: HttpRequest, identifier: str) -> HttpResponse:
    found = selectors.inventory_item(actor=request.user, identifier=identifier)
    dataset = services.inventory_item_draft(actor=request.user, item=found)
    messages.success(request, f"The draft of {dataset.title} is ready: complete it, then submit.")
    return redirect("catalog:dataset-edit", dataset.slug)


@login_required
@require_POST
@domain_errors
def item_shortlist(request: HttpRequest, identifier: str) -> HttpResponse:
    found = selectors.inventory_item(actor=request.user, identifier=identifier)
    on = request.POST.get("on") == "yes"
    services.inventory_item_shortlist(actor=request.user, item=found, on=on)
    messages.success(request, f"{found.title} is {'on' if on else 'off'} the launch shortlist.")
    if request.POST.get("back") == "priorities":
        return redirect("readiness:priorities")
    return redirect("readiness:item", found.identifier)


@login_required
@domain_errors
def inventory_import(request: HttpRequest) -> HttpResponse:
    if not _departments(request):
        raise PermissionDenied("Only stewards and coordinators import the inventory.")
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, object]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = services.inventory_import(
                actor=request.user, content=upload.read(), filename=upload.name or "inventory"
            )
        except Invalid as exc:
            problems = exc.problems
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                f"Imported {upload.name}: {len(imported.created)} created, "
                f"{len(imported.updated)} updated, {len(imported.unchanged)} unchanged.",
            )
            return redirect("readiness:inventory")
    return render(request, "readiness/import.html", {"form": form, "problems": problems})


@login_required
@domain_errors
def inventory_export(request: HttpRequest, file_format: str) -> HttpResponse:
    if file_format not in sheets.FORMATS:
        raise PermissionDenied("Export as csv or xlsx.")
    content = services.inventory_export(actor=request.user, file_format=file_format)
    response = HttpResponse(content, content_type=sheets.MEDIA_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="inventory.{file_format}"'
    return response


@login_required
@domain_errors
def priorities(request: HttpRequest) -> HttpResponse:
    program = selectors.program()
    may_run = policies.can_run_program(request.user)
    weights = {**DEFAULT_WEIGHTS, **program.weights}
    initial = PrioritiesForm.initial_for(program, weights)
    form = PrioritiesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied("Only coordinators set the priorities.", attempt="program.set")
        saved = None
        if form.is_valid():
            saved = run_service(
                form, lambda: services.program_set(actor=request.user, **form.values())
            )
        if saved is not None:
            messages.success(request, "The priorities were saved.")
            return redirect("readiness:priorities")
    department = request.GET.get("department", "")
    page = _page_number(request)
    total, shown = selectors.ranked_inventory(
        actor=request.user,
        organization=department,
        start=(page - 1) * PER_PAGE,
        stop=page * PER_PAGE,
    )
    pages = Pages(page, max(1, -(-total // PER_PAGE)))
    return render(
        request,
        "readiness/priorities.html",
        {
            "ranked": shown,
            "results": pages,
            "total": total,
            "shortlist": selectors.shortlist(actor=request.user),
            "form": form,
            "may_run": may_run,
            "factors": [(f, weights[f.name]) for f in FACTORS],
        },
    )


class ChecklistItemForm(forms.Form):
    label = forms.CharField(max_length=200, label="Item", help_text="e.g. Town Council briefed")
    assignee = forms.CharField(label="Ticked by", help_text="The person's username.")


@login_required
@domain_errors
def readiness(request: HttpRequest) -> HttpResponse:
    found = selectors.readiness(actor=request.user)
    may_run = policies.can_run_program(request.user)
    form = ChecklistItemForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            added = run_service(
                form,
                lambda: services.checklist_item_add(
                    actor=request.user,
                    label=form.cleaned_data["label"],
                    assignee=user_by_username(form.cleaned_data["assignee"]),
                ),
            )
            if added is not None:
                messages.success(request, f"“{added.label}” is on the checklist.")
                return redirect("readiness:checklist")
    return render(
        request,
        "readiness/readiness.html",
        {
            "readiness": found,
            "form": form,
            "may_run": may_run,
            "program": selectors.program(),
            "steps": guide.steps(found, selectors.launched()),
            "launch_form": LaunchForm(),
            "before_launch_open": settings.BEFORE_LAUNCH == "open",
        },
    )


class LaunchForm(forms.Form):
    override = forms.CharField(
        label="Launch anyway, because",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
        help_text="Only when items are still to do; recorded in the audit trail.",
    )


@login_required
@require_POST
@domain_errors
def launch(request: HttpRequest) -> HttpResponse:
    form = LaunchForm(request.POST)
    override = form.cleaned_data["override"] if form.is_valid() else ""
    services.program_launch(actor=request.user, override=override)
    messages.success(request, "The portal is launched: the public sees it now.")
    return redirect("readiness:checklist")


@login_required
@require_POST
@domain_errors
def checklist_tick(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.checklist_item(actor=request.user, pk=pk)
    done = request.POST.get("done") != "no"
    services.checklist_item_tick(actor=request.user, entry=entry, done=done)
    messages.success(request, f"“{entry.label}” is {'ticked' if done else 'not ticked'}.")
    return redirect("readiness:checklist")


@login_required
@require_POST
@domain_errors
def checklist_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.checklist_item(actor=request.user, pk=pk)
    services.checklist_item_remove(actor=request.user, entry=entry)
    messages.success(request, f"“{entry.label}” is off the checklist.")
    return redirect("readiness:checklist")


@login_required
@domain_errors
def program(request: HttpRequest) -> HttpResponse:
    if not policies.can_see_readiness(request.user):
        raise PermissionDenied("Only the organization's staff and coordinators see the program.")
    found = selectors.readiness(actor=request.user)
    return render(
        request,
        "readiness/program.html",
        {
            "overview": overview.overview(),
            "readiness": found,
            "program": selectors.program(),
        },
    )
