from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "headwise.accounts"
    label = "accounts"
