from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "townsquare.core"
    label = "core"
    verbose_name = "Townsquare core"

    def ready(self) -> None:
        from townsquare.core import checks  # noqa: F401  (registers system checks)
