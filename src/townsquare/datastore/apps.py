from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "townsquare.datastore"
    label = "datastore"
    verbose_name = "Datastore"

    def ready(self) -> None:
        # Importing them registers the datastore's hooks: what a deleted dataset takes with it
        # (services), and the watchdog that retries ingests whose worker died (recovery).
        from townsquare.datastore import recovery, services  # noqa: F401
