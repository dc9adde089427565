from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "divert.signin"
    label = "signin"
    verbose_name = "Sign-in: single sign-on and the second factor"

    def ready(self) -> None:
        """Take django-otp's devices out of the admin: a second factor is reset only by the audited
        ``divert reset-second-factor`` command, and the admin holds reference data only."""
        from django.contrib import admin
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
