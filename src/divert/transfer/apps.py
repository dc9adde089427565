from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "divert.transfer"
    label = "transfer"
    verbose_name = "Moving an authority between installations: export-all and import-all"
