from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "townsquare.datastore"
    label = "datastore"
    verbose_name = "Datastore"

    def ready(self) -> None:
        from townsquare.catalog import services as catalog
        from townsquare.core import watchdogs
        from townsquare.datastore.recovery import recover_stalled
        from townsquare.datastore.services import dataset_forget

        catalog.DATASET_DELETED.append(dataset_forget)
        watchdogs.register(recover_stalled)
