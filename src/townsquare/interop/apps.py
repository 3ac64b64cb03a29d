from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "townsquare.interop"
    label = "interop"
    verbose_name = "Interoperability"
