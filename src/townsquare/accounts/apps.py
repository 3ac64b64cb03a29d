from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "townsquare.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
