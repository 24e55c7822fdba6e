from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "headwise.practice"
    label = "practice"
