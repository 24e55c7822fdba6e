from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "headwise.privacy"
    label = "privacy"
    verbose_name = "Privacy rights"
