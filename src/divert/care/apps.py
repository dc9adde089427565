from django.apps import AppConfig


class CareConfig(AppConfig):
    name = "divert.care"
    label = "care"
