"""Announcements: the public pages and the coordinator's, where milestones' drafts wait."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from townsquare.core.views import domain_errors, run_service
from townsquare.readiness import announcements, selectors
from townsquare.readiness.models import Announcement


class AnnouncementForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), help_text="Markdown.")
    publish_at = forms.DateTimeField(
        label="Shown from",
        required=False,
        help_text="Empty: now. A later moment keeps it from the public until then.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@domain_errors
def announcement_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "readiness/announcements.html",
        {"announcements": selectors.announcements_shown()[:50]},
    )


@domain_errors
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.announcement(actor=request.user, pk=pk)
    return render(request, "readiness/announcement.html", {"announcement": found})


@login_required
@domain_errors
def announcements_manage(request: HttpRequest) -> HttpResponse:
    kept = selectors.announcements_kept(actor=request.user)
    form = AnnouncementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made = run_service(
            form,
            lambda: announcements.announcement_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                publish_at=form.cleaned_data["publish_at"],
            ),
        )
        if made is not None:
            messages.success(request, f"“{made.title}” is published.")
            return redirect("readiness:announcements-manage")
    return render(
        request,
        "readiness/announcements_manage.html",
        {
            "drafts": [a for a in kept if a.state == Announcement.State.DRAFT],
            "others": [a for a in kept if a.state != Announcement.State.DRAFT],
            "milestones": selectors.milestones(),
            "form": form,
            "now": timezone.now(),
        },
    )


@login_required
@domain_errors
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.announcement(actor=request.user, pk=pk)
    initial = {"title": found.title, "body": found.body, "publish_at": found.publish_at}
    form = AnnouncementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values["state"] = request.POST.get("state", found.state)
        saved = run_service(
            form,
            lambda: announcements.announcement_update(actor=request.user, entry=found, **values),
        )
        if saved is not None:
            messages.success(request, f"“{saved.title}” was saved ({saved.get_state_display()}).")
            return redirect("readiness:announcements-manage")
    return render(request, "readiness/announcement_edit.html", {"form": form, "entry": found})


@login_required
@require_POST
@domain_errors
def announcement_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    found = selectors.announcement(actor=request.user, pk=pk)
    state = {"publish": Announcement.State.PUBLISHED, "dismiss": Announcement.State.DISMISSED}
    if decision not in state:
        return redirect("readiness:announcements-manage")
    announcements.announcement_update(actor=request.user, entry=found, state=state[decision])
    messages.success(request, f"“{found.title}” is {state[decision].label.lower()}.")
    return redirect("readiness:announcements-manage")
