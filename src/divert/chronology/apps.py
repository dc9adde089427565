from django.apps import AppConfig


class ChronologyConfig(AppConfig):
    name = "divert.chronology"
    label = "chronology"
    verbose_name = "Chronology"
