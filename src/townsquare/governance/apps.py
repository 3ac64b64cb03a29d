from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "townsquare.governance"
    label = "governance"
    verbose_name = "Governance"
