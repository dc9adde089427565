from django.apps import AppConfig


class PermanenceConfig(AppConfig):
    name = "divert.permanence"
    label = "permanence"
    verbose_name = "Permanence and adoption"
