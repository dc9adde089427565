from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "divert.signin"
    label = "signin"
    verbose_name = "Sign-in: single sign-on and the second factor"
