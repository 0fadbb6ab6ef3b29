"""Spreadsheet imports never write a publication state, a status or authorship, record the
importing user as an author, and turn a refused row into a row error."""

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from import_export import fields
from import_export.admin import ImportMixin

from commitments.admin.resources import (
    CommitmentResource,
    StatementResource,
    TrackerResource,
    service_owned,
    writable_attributes,
)
from commitments.domain.roles import EDITORS, PUBLISHERS
from commitments.domain.services import can_change_state
from commitments.models import Actor, Article, Commitment, PublicationState, Statement, Status, Theme
from tests.factories import (
    ActorFactory,
    ArticleFactory,
    CommitmentFactory,
    StaffFactory,
    StatementFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

DRAFT, REVIEW, PUBLISHED = PublicationState.DRAFT, PublicationState.REVIEW, PublicationState.PUBLISHED


def import_admins():
    return [model_admin for model_admin in admin.site._registry.values() if isinstance(model_admin, ImportMixin)]


def resource_classes(model_admin):
    return model_admin.get_import_resource_classes(RequestFactory().get("/"))


@pytest.fixture
def editor():
    return StaffFactory(username="ed", groups=[EDITORS])


@pytest.fixture
def publisher():
    return StaffFactory(username="pub", groups=[PUBLISHERS])


# --- Every resource is guarded


def test_every_import_enabled_admin_has_an_explicit_guarded_resource():
    admins = import_admins()
    assert {a.model for a in admins} >= {Theme, Actor, Article, Statement, Commitment}
    for model_admin in admins:
        classes = model_admin.resource_classes
        assert classes, f"{model_admin} imports with django-import-export's default resource"
        for resource_class in resource_classes(model_admin):
            assert issubclass(resource_class, TrackerResource), resource_class
            assert resource_class._meta.model is model_admin.model
            assert not writable_attributes(resource_class) & service_owned(model_admin.model), resource_class


def test_a_resource_that_would_import_the_state_is_refused_when_it_is_defined():
    with pytest.raises(ImproperlyConfigured, match="StatementEverything would import .*state"):

        class StatementEverything(TrackerResource):
            class Meta:
                model = Statement  # no field list: every model field, state and authorship included

    with pytest.raises(ImproperlyConfigured, match="status"):

        class CommitmentWithStatus(TrackerResource):
            status = fields.Field("status", "status")

            class Meta:
                model = Commitment
                fields = ["slug", "status"]


def test_exporting_the_state_for_reference_is_allowed():
    class StatementStates(TrackerResource):
        state = fields.Field("state", "state", readonly=True)

        class Meta:
            model = Statement
            fields = ["slug", "state"]

    assert "state" not in writable_attributes(StatementStates)


# --- A forged spreadsheet publishes nothing and forges nobody


FORGED = {
    "state": PUBLISHED,
    "state_changed_at": "2021-06-10 12:00:00",
    "status": Status.MET,
    "is_current": "1",
}


def existing(model):
    return {
        Theme: ThemeFactory,
        Actor: ActorFactory,
        Article: ArticleFactory,
        Statement: lambda: StatementFactory(state=DRAFT),
        Commitment: lambda: CommitmentFactory(state=DRAFT, statement=StatementFactory(state=REVIEW)),
    }[model]()


@pytest.mark.parametrize("model_admin", import_admins(), ids=lambda a: a.model.__name__)
def test_a_spreadsheet_whose_columns_say_published_publishes_nothing(model_admin, editor, publisher):
    obj = existing(model_admin.model)
    for resource_class in resource_classes(model_admin):
        resource = resource_class()
        sheet = resource.export(queryset=model_admin.model.objects.filter(pk=obj.pk))
        forged = {**FORGED, "state_changed_by": publisher.pk, "created_by": publisher.pk}
        forged["last_edited_by"] = publisher.pk
        if model_admin.model is not Article:  # an article's author is its byline, a real column
            forged["author"] = publisher.pk
        for column, value in forged.items():
            if column in sheet.headers:
                index = sheet.headers.index(column)
                sheet[0] = tuple(value if i == index else v for i, v in enumerate(sheet[0]))
            else:
                sheet.append_col([value], header=column)
        text_column = next(c for c in ("title", "name") if c in sheet.headers)
        index = sheet.headers.index(text_column)
        sheet[0] = tuple(f"{v} (edited)" if i == index else v for i, v in enumerate(sheet[0]))

        result = resource.import_data(sheet, dry_run=False, user=editor)

        assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
        obj.refresh_from_db()
        assert getattr(obj, text_column).endswith("(edited)")  # the row was imported
        if hasattr(obj, "state"):
            assert (obj.state, obj.state_changed_at, obj.state_changed_by) == (DRAFT, None, None)
            assert obj.created_by is None and obj.last_edited_by == editor  # the importer, not the forged one
        if isinstance(obj, Commitment):
            assert obj.status == Status.NOT_RATED


def test_a_new_row_cannot_arrive_published(editor):
    statement = StatementFactory(state=PUBLISHED)
    sheet = CommitmentResource().export(queryset=Commitment.objects.none())
    sheet.append(["new-pledge", "New pledge", statement.slug, "We will.", "", "", "", "", "", "", "", PUBLISHED])
    result = CommitmentResource().import_data(sheet, dry_run=False, user=editor)
    assert not result.has_errors() and not result.has_validation_errors()
    created = Commitment.objects.get(slug="new-pledge")
    assert (created.state, created.created_by, created.last_edited_by) == (DRAFT, editor, editor)


# --- Authorship


def test_an_imported_change_makes_the_importing_publisher_an_author_who_may_not_publish_it(publisher):
    commitment = CommitmentFactory(state=REVIEW, actors=[ActorFactory()], themes=[ThemeFactory()])
    assert can_change_state(publisher, commitment, PUBLISHED)
    sheet = CommitmentResource().export(queryset=Commitment.objects.filter(pk=commitment.pk))
    sheet[0] = tuple("Retitled" if h == "title" else v for h, v in zip(sheet.headers, sheet[0], strict=True))
    CommitmentResource().import_data(sheet, dry_run=False, user=publisher)
    commitment.refresh_from_db()
    assert (commitment.title, commitment.last_edited_by) == ("Retitled", publisher)
    assert not can_change_state(publisher, commitment, PUBLISHED)


def test_an_unchanged_imported_row_makes_nobody_an_author(publisher):
    statement = StatementFactory(state=REVIEW)
    sheet = StatementResource().export(queryset=Statement.objects.filter(pk=statement.pk))
    StatementResource().import_data(sheet, dry_run=False, user=publisher)
    statement.refresh_from_db()
    assert statement.last_edited_by is None


# --- Refused rows


def test_moving_a_non_draft_commitment_to_another_statement_is_a_row_error(editor):
    commitment = CommitmentFactory(state=PUBLISHED, title="Stays put")
    elsewhere = StatementFactory(state=DRAFT)
    sheet = CommitmentResource().export(queryset=Commitment.objects.filter(pk=commitment.pk))
    sheet[0] = tuple(
        elsewhere.slug if h == "statement" else ("Moved" if h == "title" else v)
        for h, v in zip(sheet.headers, sheet[0], strict=True)
    )
    result = CommitmentResource().import_data(sheet, dry_run=False, user=editor)
    assert result.has_validation_errors() and not result.has_errors()
    [invalid] = result.invalid_rows
    assert "only while it is a draft" in str(invalid.error_dict)
    commitment.refresh_from_db()
    assert (commitment.statement_id, commitment.title, commitment.state) != (elsewhere.pk, "Moved", DRAFT)
    assert commitment.title == "Stays put"


def test_the_admin_import_page_reports_the_refused_row_instead_of_failing(client, editor):
    commitment = CommitmentFactory(state=PUBLISHED)
    elsewhere = StatementFactory(state=DRAFT)
    sheet = CommitmentResource().export(queryset=Commitment.objects.filter(pk=commitment.pk))
    sheet[0] = tuple(elsewhere.slug if h == "statement" else v for h, v in zip(sheet.headers, sheet[0], strict=True))
    client.force_login(editor)
    upload = SimpleUploadedFile("commitments.csv", sheet.export("csv").encode(), content_type="text/csv")
    response = client.post(
        reverse("admin:commitments_commitment_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert response.status_code == 200
    assert "only while it is a draft" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.statement_id != elsewhere.pk
