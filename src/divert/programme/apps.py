from django.apps import AppConfig


class ProgrammeConfig(AppConfig):
    name = "divert.programme"
    label = "programme"
    verbose_name = "Programme: work streams, actions, risks and savings"
