from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "headwise.accounts"
    label = "accounts"

    def ready(self) -> None:
        from headwise.accounts import signals  # noqa: F401  (connects the sign-in receiver)
