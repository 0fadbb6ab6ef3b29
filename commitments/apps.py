from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        # Imported for their signal receivers: the status sync, and the invalidation of cached pages.
        from commitments.domain import services  # noqa: F401
        from commitments.infra import cache  # noqa: F401
