from django.apps import AppConfig


class StepdownConfig(AppConfig):
    name = "divert.stepdown"
    label = "stepdown"
    verbose_name = "Placement review and step-down"
