from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "townsquare.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        # Importing the workflow registers it where the datastore reports a version ready.
        from townsquare.governance import workflow  # noqa: F401
