from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The practice's public page per location and the booking requests it receives."""

    name = "headwise.public"
    label = "public"
