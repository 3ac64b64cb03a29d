"""Account pages: sign-in and out, password reset, your account and tokens, people and
organization members for coordinators."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.views.decorators.http import require_POST

from townsquare.accounts import mailing, policies, registration, selectors, services
from townsquare.accounts.forms import (
    InviteForm,
    MailForm,
    MemberForm,
    QueuedPasswordResetForm,
    RegisterForm,
    SignInForm,
    SiteRoleForm,
    TokenForm,
)
from townsquare.accounts.http import SignedInRequest
from townsquare.accounts.models import ApiToken
from townsquare.catalog.selectors import organization_by_slug
from townsquare.core import throttle
from townsquare.core.addresses import client_address
from townsquare.core.errors import NotFound, PermissionDenied
from townsquare.core.middleware import too_many
from townsquare.core.views import domain_errors, error_page, run_service
from townsquare.governance.selectors import awaiting_signature

# Django's auth views name the site after the request's host (no sites framework here): they
# get the portal's name instead, as every other page does.
PORTAL = {"site_name": lazy(lambda: settings.SITE_NAME, str)()}

sign_in = auth_views.LoginView.as_view(
    extra_context=PORTAL,
    template_name="accounts/sign_in.html",
    authentication_form=SignInForm,
    redirect_authenticated_user=True,
)
sign_out = auth_views.LogoutView.as_view()
_password_reset = auth_views.PasswordResetView.as_view(
    extra_context=PORTAL,
    form_class=QueuedPasswordResetForm,
    template_name="accounts/password_reset.html",
    email_template_name="emails/password_reset_body.txt",
    html_email_template_name="emails/password_reset_body.html",
    subject_template_name="emails/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-sent"),
)


def password_reset(request: HttpRequest) -> HttpResponseBase:
    """Django's password reset, at most TOWNSQUARE_RATE_PASSWORD_RESETS asked per address."""
    if request.method == "POST":
        try:
            throttle.hit("password_reset", client_address(request))
        except throttle.RateLimited as exc:
            return too_many(request, exc)
    return _password_reset(request)


password_reset_sent = auth_views.PasswordResetDoneView.as_view(
    extra_context=PORTAL, template_name="accounts/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    extra_context=PORTAL,
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-done"),
)
password_reset_done = auth_views.PasswordResetCompleteView.as_view(
    extra_context=PORTAL, template_name="accounts/password_reset_done.html"
)
password_change = auth_views.PasswordChangeView.as_view(
    extra_context=PORTAL,
    template_name="accounts/password_change.html",
    success_url=reverse_lazy("accounts:account"),
)


@login_required
def account(request: SignedInRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organization").order_by(
        "organization__name"
    )
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": memberships,
            "to_sign": awaiting_signature(actor=request.user),
        },
    )


@login_required
@domain_errors
def mail_choices(request: SignedInRequest) -> HttpResponse:
    user = request.user
    wanted = [kind for kind in mailing.KINDS if kind not in (user.mail_unwanted or [])]
    form = MailForm(request.POST or None, initial={"wanted": wanted})
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.mail_choose(actor=user, user=user, wanted=form.cleaned_data["wanted"]),
        )
        if done is not None:
            messages.success(request, "Your mail choices are saved.")
            return redirect("accounts:mail")
    return render(request, "accounts/mail.html", {"form": form})


@login_required
@domain_errors
def tokens(request: SignedInRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        created = run_service(
            form,
            lambda: services.token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            ),
        )
        if created is not None:
            form = TokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_of(user=request.user),
            "created": created[0] if created else None,
            "secret": created[1] if created else None,
        },
    )


@login_required
@domain_errors
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None or not policies.can_see_token(request.user, token):
        raise NotFound("You have no such token.")
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"Revoked the token “{token.name}”.")
    return redirect("accounts:tokens")


@login_required
@domain_errors
def members(request: HttpRequest, slug: str) -> HttpResponse:
    organization = organization_by_slug(slug)
    can_manage = policies.can_manage_members(request.user, organization.pk)
    if not (can_manage or policies.is_member(request.user, organization.pk)):
        raise PermissionDenied("Only the organization's members and coordinators see its members.")
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("Only coordinators and admins assign organization roles.")
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, role = form.cleaned_data["username"], form.cleaned_data["role"]
        added = run_service(
            form,
            lambda: services.membership_add(
                actor=request.user,
                organization=organization,
                user=selectors.user_by_username(username),
                role=role,
            ),
        )
        if added is not None:
            messages.success(request, f"{username} is now {role}.")
            return redirect("accounts:members", organization.slug)
    return render(
        request,
        "accounts/members.html",
        {
            "organization": organization,
            "members": selectors.members_of(organization=organization),
            "form": form,
            "can_manage": can_manage,
        },
    )


@login_required
@domain_errors
@require_POST
def member_remove(request: HttpRequest, slug: str) -> HttpResponse:
    organization = organization_by_slug(slug)
    user = selectors.user_by_username(request.POST.get("username", ""))
    role = request.POST.get("role", "")
    services.membership_remove(actor=request.user, organization=organization, user=user, role=role)
    messages.success(request, f"{user.username} is no longer {role} of {organization.name}.")
    return redirect("accounts:members", organization.slug)


@login_required
@domain_errors
def people(request: HttpRequest) -> HttpResponse:
    if not policies.can_create_user(request.user):
        raise PermissionDenied("Only coordinators and admins manage people.")
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(
            form, lambda: services.user_invite(actor=request.user, **form.cleaned_data)
        )
        if user is not None:
            messages.success(
                request, f"Invited {user.username}; they will get an email to choose a password."
            )
            return redirect("accounts:people")
    return render(
        request,
        "accounts/people.html",
        {
            "people": selectors.people(),
            "form": form,
            "can_set_site_role": policies.can_set_site_role(request.user),
        },
    )


@login_required
@domain_errors
@require_POST
def site_role(request: HttpRequest, username: str) -> HttpResponse:
    user = selectors.user_by_username(username)
    form = SiteRoleForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied("Choose a site role.")
    try:
        services.user_set_site_role(actor=request.user, user=user, role=form.cleaned_data["role"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Changed the site role of {user.username}.")
    return redirect("accounts:people")


@domain_errors
def register(request: HttpRequest) -> HttpResponse:
    if not registration.registration_open():
        return error_page(
            request, 403, "This portal does not take new accounts; ask its coordinator."
        )
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        values.pop("password_again")
        done = run_service(
            form,
            lambda: registration.user_register(address=client_address(request), **values) or True,
        )
        if done is not None:
            return render(
                request, "accounts/register_sent.html", {"email": form.cleaned_data["email"]}
            )
    return render(request, "accounts/register.html", {"form": form})


@domain_errors
def verify(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = registration.user_verify(uidb64=uidb64, token=token)
    messages.success(request, f"Your email address is confirmed, {user.username}: sign in.")
    return redirect("accounts:sign-in")
