from django.apps import AppConfig


class CarersConfig(AppConfig):
    name = "divert.carers"
    label = "carers"
