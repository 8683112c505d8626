from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "schakel.web.accounts"
    label = "accounts"
