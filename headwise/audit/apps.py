from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "headwise.audit"
    label = "audit"

    def ready(self) -> None:
        from headwise.audit import signals

        signals.connect()
