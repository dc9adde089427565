from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "divert.earlyhelp"
    label = "earlyhelp"
    verbose_name = "Early help"
