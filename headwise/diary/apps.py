from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "headwise.diary"
    label = "diary"

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from headwise.diary.history import before_save
        from headwise.diary.models import Attack

        pre_save.connect(before_save, sender=Attack, dispatch_uid="diary.attack.baseline")
