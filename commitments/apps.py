from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        # Imported for their signal receivers: the status sync, and the invalidation of cached pages.
        from . import cache, services  # noqa: F401
