from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "headwise.care"
    label = "care"
