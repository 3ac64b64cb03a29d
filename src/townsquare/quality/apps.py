from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "townsquare.quality"
    label = "quality"
    verbose_name = "Quality and privacy"

    def ready(self) -> None:
        from townsquare.quality import checks  # noqa: F401  (registers the system checks)
