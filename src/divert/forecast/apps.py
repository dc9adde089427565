from django.apps import AppConfig


class ForecastConfig(AppConfig):
    name = "divert.forecast"
    label = "forecast"
    verbose_name = "Forecast"
