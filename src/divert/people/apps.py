from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "divert.people"
    label = "people"
