from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "headwise.diary"
    label = "diary"
