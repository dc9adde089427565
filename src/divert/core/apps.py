from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "divert.core"
    label = "core"

    def ready(self) -> None:
        from divert.core import signals  # noqa: F401  (connects sign-in auditing)
