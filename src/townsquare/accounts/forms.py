from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.loader import render_to_string
from django.utils import timezone

from townsquare.accounts import mailing
from townsquare.accounts.models import OrgRole
from townsquare.core import throttle
from townsquare.core.mail import send_rendered_later


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": (
            "That username and password do not match an account. Both are case-sensitive."
        ),
        "inactive": "This account is deactivated.",
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the mail handed to the background worker."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        try:  # the same address asked too often: no more mails to it (and nothing said)
            throttle.hit("password_reset", f"email:{to_email.lower()}")
        except throttle.RateLimited:
            return
        context = {**context, "site_name": settings.SITE_NAME}  # not the request's host name
        subject = " ".join(render_to_string(subject_template_name, context).split())
        text = render_to_string(email_template_name, context)
        html = (
            render_to_string(html_email_template_name, context) if html_email_template_name else ""
        )
        send_rendered_later(to=[to_email], subject=subject, text=text, html=html)


EXPIRY_CHOICES = [("", "Never"), ("30", "In 30 days"), ("90", "In 90 days"), ("365", "In a year")]


class MailForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        choices=list(mailing.KINDS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Send me",
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="Name",
        help_text="What the token is for, e.g. “nightly upload script”.",
    )
    expires_in = forms.ChoiceField(choices=EXPIRY_CHOICES, required=False, label="Expires")

    def expires_at(self) -> Any:
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + timedelta(days=int(days)) if days else None


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username")
    role = forms.ChoiceField(choices=OrgRole.choices, label="Role")


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username")
    email = forms.EmailField(
        label="Email", help_text="The invitation to choose a password goes here."
    )
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")


class SiteRoleForm(forms.Form):
    role = forms.ChoiceField(
        choices=[("", "No site role"), ("coordinator", "Coordinator"), ("admin", "Admin")],
        required=False,
        label="Site role",
    )


class RegisterForm(forms.Form):
    username = forms.RegexField(
        regex=r"^[\w.@+-]{2,150}$",
        label="Username",
        help_text="Letters, digits and . @ + - _ (2 to 150). Shown with what you do here.",
        error_messages={"invalid": "Use letters, digits and . @ + - _ only (2 to 150)."},
    )
    email = forms.EmailField(label="Email address", help_text="The link to confirm goes here.")
    first_name = forms.CharField(required=False, max_length=150, label="First name")
    last_name = forms.CharField(required=False, max_length=150, label="Last name")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), label="Password"
    )
    password_again = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        label="Password, again",
    )

    def clean(self) -> dict[str, Any]:
        values = super().clean() or {}
        if values.get("password") != values.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return values
