from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "headwise.web"
    label = "web"
