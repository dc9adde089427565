from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "divert.returns"
    label = "returns"
