from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "divert.indicators"
    label = "indicators"
    verbose_name = "Indicators and scorecard"
