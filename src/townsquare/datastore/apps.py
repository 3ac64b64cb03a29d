from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "townsquare.datastore"
    label = "datastore"
    verbose_name = "Datastore"

    def ready(self) -> None:
        # Importing them registers the datastore's hooks: what a deleted dataset takes with it
        # (services), and the watchdog that retries ingests whose worker died (recovery); a
        # published version's changes are counted for the change history (tasks).
        from townsquare.datastore import recovery, services, tasks  # noqa: F401  (recovery)

        if tasks.queue_count not in services.VERSION_PUBLISHED:
            services.VERSION_PUBLISHED.append(tasks.queue_count)
