from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "townsquare.readiness"
    label = "readiness"
    verbose_name = "Launch readiness"

    def ready(self) -> None:
        # Importing the milestones registers them where the catalog reports a publication.
        from townsquare.readiness import milestones  # noqa: F401
