from django.urls import path

from townsquare.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/sign-in", views.sign_in, name="sign-in"),
    path("account/sign-out", views.sign_out, name="sign-out"),
    path("account/register", views.register, name="register"),
    path("account/verify/<uidb64>/<token>", views.verify, name="verify"),
    path("account/password-reset", views.password_reset, name="password-reset"),
    path("account/password-reset/sent", views.password_reset_sent, name="password-reset-sent"),
    path(
        "account/reset/<uidb64>/<token>",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("account/reset/done", views.password_reset_done, name="password-reset-done"),
    path("account/password", views.password_change, name="password-change"),
    path("account", views.account, name="account"),
    path("account/tokens", views.tokens, name="tokens"),
    path("account/mail", views.mail_choices, name="mail"),
    path("account/tokens/<int:token_id>/revoke", views.token_revoke, name="token-revoke"),
    path("people", views.people, name="people"),
    path("people/<str:username>/site-role", views.site_role, name="site-role"),
    path("organizations/<slug:slug>/members", views.members, name="members"),
    path("organizations/<slug:slug>/members/remove", views.member_remove, name="member-remove"),
]
