from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "headwise.outcomes"
    label = "outcomes"
