from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "headwise.demo"
    label = "demo"
