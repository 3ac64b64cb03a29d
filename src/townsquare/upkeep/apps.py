from django.apps import AppConfig


class UpkeepConfig(AppConfig):
    name = "townsquare.upkeep"
    label = "upkeep"
    verbose_name = "Keeping data current"

    def ready(self) -> None:
        # The jobs register themselves with the scheduler, the scheduler with the workers'
        # watchdog (core.watchdogs), and the evaluation with the datastore's publication.
        from townsquare.upkeep import evaluation, jobs, scheduler  # noqa: F401
