from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "townsquare.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from townsquare.audit import signals  # noqa: F401  (sign-in events)
