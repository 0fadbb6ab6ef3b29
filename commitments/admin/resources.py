"""Spreadsheet import and export (django-import-export): slugs instead of ids, and never what the
services own.

Every resource derives from `TrackerResource`, whose class creation refuses an importable column
for a publication state, a status or authorship (`SERVICE_OWNED`): those move through
commitments.domain.services only, so a spreadsheet cannot publish a record or forge who wrote or
published it. Rows that write a statement's or commitment's content record the importing user
as its last editor (four eyes). Every imported row is checked as the admin's forms check it
(`validating`).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from import_export import fields, resources, widgets
from import_export.declarative import ModelDeclarativeMetaclass

from commitments.domain.services import note_edit
from commitments.models import Actor, Article, Commitment, Statement, StatusUpdate, Theme

# Model attributes no spreadsheet may write, on any model.
SERVICE_OWNED = frozenset(
    {
        "state",
        "state_changed_at",
        "state_changed_by",
        "status",
        "created_by",
        "last_edited_by",
        "author",
        "is_current",
    }
)


def service_owned(model) -> set[str]:
    """SERVICE_OWNED, less an article's `author`: the byline it was published under, not a user."""
    return {name for name in SERVICE_OWNED if not (name == "author" and model is not None and model is Article)}


# The models whose authors may not publish them: an import that writes them is an edit.
AUTHORED = (Statement, Commitment, StatusUpdate)


def writable_attributes(resource_class: type[resources.Resource]) -> set[str]:
    """The model attributes an import with `resource_class` writes (first step of each path)."""
    return {
        field.attribute.split("__")[0]
        for field in resource_class.fields.values()
        if field.attribute and not field.readonly
    }


class GuardedResourceMetaclass(ModelDeclarativeMetaclass):
    def __new__(cls, name, bases, attrs):
        new_class = super().__new__(cls, name, bases, attrs)
        forbidden = writable_attributes(new_class) & service_owned(new_class._meta.model)
        if forbidden:
            raise ImproperlyConfigured(
                f"{name} would import {', '.join(sorted(forbidden))}: the services own those fields. "
                "Leave them out of Meta.fields, or declare them readonly to export them."
            )
        return new_class


class TrackerResource(resources.ModelResource, metaclass=GuardedResourceMetaclass):
    """The base of every spreadsheet resource in the admin."""

    def before_save_instance(self, instance, row, **kwargs):
        # Only rows that change something reach the save (Meta.skip_unchanged), so each one is an
        # edit by the importing user (django-import-export passes the admin's user).
        if isinstance(instance, AUTHORED):
            note_edit(instance, kwargs.get("user"))
        super().before_save_instance(instance, row, **kwargs)


class ThemeResource(TrackerResource):
    parent = fields.Field("parent", "parent", widgets.ForeignKeyWidget(Theme, "slug"))

    class Meta:
        model = Theme
        import_id_fields = ["slug"]
        fields = ["name", "slug", "description", "parent", "keywords"]
        skip_unchanged = True


class ActorResource(TrackerResource):
    parent = fields.Field("parent", "parent", widgets.ForeignKeyWidget(Actor, "slug"))

    class Meta:
        model = Actor
        import_id_fields = ["slug"]
        fields = ["name", "slug", "kind", "parent", "role", "aliases"]
        skip_unchanged = True


class ArticleResource(TrackerResource):
    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "url",
            "publisher",
            "author",
            "kind",
            "published_on",
            "published_on_source",
            "retrieved_on",
            "summary",
            "body",
        ]
        skip_unchanged = True
        use_transactions = True


class StatementResource(TrackerResource):
    parties = fields.Field("parties", "parties", widgets.ManyToManyWidget(Actor, separator="|", field="slug"))
    # Exported for reference; an import never moves the publication state (the workflow does).
    state = fields.Field("state", "state", readonly=True)

    class Meta:
        model = Statement
        import_id_fields = ["slug"]
        fields = ["slug", "title", "kind", "made_on", "place", "event", "parties", "summary", "source_text", "state"]
        export_order = fields
        skip_unchanged = True
        use_transactions = True


class CommitmentResource(TrackerResource):
    statement = fields.Field("statement", "statement", widgets.ForeignKeyWidget(Statement, "slug"))
    themes = fields.Field("themes", "themes", widgets.ManyToManyWidget(Theme, separator="|", field="slug"))
    actors = fields.Field("actors", "actors", widgets.ManyToManyWidget(Actor, separator="|", field="slug"))
    # Exported for reference; an import never moves the publication state (the workflow does).
    state = fields.Field("state", "state", readonly=True)

    class Meta:
        model = Commitment
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "statement",
            "wording",
            "summary",
            "themes",
            "actors",
            "target_date",
            "target_wording",
            "amount",
            "currency",
            "state",
        ]
        export_order = fields
        skip_unchanged = True
        use_transactions = True


def validating(resource_class: type[resources.ModelResource]) -> type[resources.ModelResource]:
    """`resource_class`, with each imported row checked by the model's full_clean() as a form
    would check it (URLs, choices, lengths, constraints): a row that fails is reported on the
    preview and nothing is imported."""
    if resource_class._meta.clean_model_instances:
        return resource_class
    meta = type("Meta", (), {"clean_model_instances": True})
    return type(resource_class.__name__, (resource_class,), {"Meta": meta, "__module__": resource_class.__module__})
