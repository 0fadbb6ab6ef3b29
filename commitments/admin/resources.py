"""Spreadsheet import and export (django-import-export): slugs instead of ids, and never the
status field (the status service owns it). Every imported row is checked as the admin's forms
check it (`validating`)."""

from __future__ import annotations

from import_export import fields, resources, widgets

from commitments.models import Actor, Commitment, Statement, Theme


class ThemeResource(resources.ModelResource):
    parent = fields.Field("parent", "parent", widgets.ForeignKeyWidget(Theme, "slug"))

    class Meta:
        model = Theme
        import_id_fields = ["slug"]
        fields = ["name", "slug", "description", "parent", "keywords"]
        skip_unchanged = True


class ActorResource(resources.ModelResource):
    parent = fields.Field("parent", "parent", widgets.ForeignKeyWidget(Actor, "slug"))

    class Meta:
        model = Actor
        import_id_fields = ["slug"]
        fields = ["name", "slug", "kind", "parent", "role", "aliases"]
        skip_unchanged = True


class CommitmentResource(resources.ModelResource):
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
