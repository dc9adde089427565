from django.apps import AppConfig


class FrontdoorConfig(AppConfig):
    name = "divert.frontdoor"
    label = "frontdoor"
