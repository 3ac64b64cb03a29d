from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "townsquare.quality"
    label = "quality"
    verbose_name = "Quality and privacy"
