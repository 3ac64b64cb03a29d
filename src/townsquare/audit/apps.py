from django.apps import AppConfig

from townsquare.core import refusals


class AuditConfig(AppConfig):
    name = "townsquare.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from townsquare.audit import signals  # noqa: F401  (sign-in events)
        from townsquare.audit.services import record_refusal

        refusals.listen(record_refusal)
