from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "divert.privacy"
    label = "privacy"
    verbose_name = "Need to know: restricted records, break glass, sharing and pseudonyms"
