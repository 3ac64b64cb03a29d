from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "townsquare.catalog"
    label = "catalog"
    verbose_name = "Catalog"
