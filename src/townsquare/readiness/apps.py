from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "townsquare.readiness"
    label = "readiness"
    verbose_name = "Launch readiness"
