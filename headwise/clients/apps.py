from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "headwise.clients"
    label = "clients"
