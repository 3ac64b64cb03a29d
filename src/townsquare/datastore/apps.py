from django.apps import AppConfig


class DatastoreConfig(AppConfig):
    name = "townsquare.datastore"
    label = "datastore"
    verbose_name = "Datastore"
