from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = "Commitments"

    def ready(self) -> None:
        # Imported for their signal receivers: the status sync, the lineage and submission guards,
        # the search documents, and the invalidation of cached pages.
        from commitments.domain import lineage, search_index, services, submissions  # noqa: F401
        from commitments.infra import cache

        # Every `migrate` makes sure the database cache's table exists (when that is the cache):
        # the settings may have switched to it after the last migration was applied.
        post_migrate.connect(cache.create_cache_tables, sender=self, dispatch_uid="tracker_create_cache_tables")
