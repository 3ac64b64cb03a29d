from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "townsquare.readiness"
    label = "readiness"
    verbose_name = "Launch readiness"

    def ready(self) -> None:
        # Importing the milestones registers them where the catalog reports a publication,
        # the reminders' jobs with the scheduler (upkeep).
        from townsquare.readiness import milestones, reminders  # noqa: F401
