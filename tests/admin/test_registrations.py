import datetime

import pytest
from django.urls import reverse

from commitments.models import (
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    Status,
    StatusUpdate,
    Theme,
)

pytestmark = pytest.mark.django_db

MODELS = [Theme, Actor, Article, Statement, Commitment, StatusUpdate, ArticleLink, Quote]


def admin_url(model, view, *args):
    return reverse(f"admin:commitments_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_changelist_add_and_change_pages_answer(admin_client, seeded, model):
    assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert admin_client.get(admin_url(model, "changelist"), {"q": "NATO"}).status_code == 200
    assert admin_client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200
    assert admin_client.get(admin_url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"status__exact": "met"},
        {"overdue": "yes"},
        {"overdue": "no"},
        {"themes__id__exact": "1"},
        {"state__exact": "draft"},
    ],
)
def test_commitment_filters_answer(admin_client, seeded, params):
    response = admin_client.get(admin_url(Commitment, "changelist"), params)
    assert response.status_code == 200


def test_overdue_filter_lists_only_overdue(admin_client, seeded):
    response = admin_client.get(admin_url(Commitment, "changelist"), {"overdue": "yes"})
    assert [c.slug for c in response.context["cl"].result_list] == ["uk-extra-defence-spending-24bn"]


def test_anonymous_users_are_sent_to_login(client, seeded):
    response = client.get(admin_url(Commitment, "changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def commitment_form_data(commitment, **extra):
    data = {
        "statement": commitment.statement_id,
        "title": commitment.title,
        "slug": commitment.slug,
        "wording": commitment.wording,
        "summary": commitment.summary,
        "actors": [a.pk for a in commitment.actors.all()],
        "themes": [t.pk for t in commitment.themes.all()],
        "target_date": "",
        "target_wording": "",
        "amount": "",
        "currency": "",
        "state": commitment.state,
        "updates-TOTAL_FORMS": "1",
        "updates-INITIAL_FORMS": "0",
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
        "links-TOTAL_FORMS": "0",
        "links-INITIAL_FORMS": "0",
        "links-MIN_NUM_FORMS": "0",
        "links-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_a_status_update_recorded_on_the_commitment_page_goes_through_the_service_as_a_draft(
    admin_client, seeded, superuser
):
    commitment = Commitment.objects.get(slug="space-safe-and-secure")
    evidence = Article.objects.get(publisher="Homeland Security Today")
    data = commitment_form_data(
        commitment,
        **{
            "updates-0-status": Status.IN_PROGRESS,
            "updates-0-as_of": "2023-05-01",
            "updates-0-rationale": "Joint space operations initiative launched.",
            "updates-0-evidence": [evidence.pk],
        },
    )
    response = admin_client.post(admin_url(Commitment, "change", commitment.pk), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    update = commitment.updates.get()
    assert (update.state, update.author, update.last_edited_by) == (PublicationState.DRAFT, superuser, superuser)
    assert list(update.evidence.all()) == [evidence]
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED  # a draft counts for nothing until published


def test_the_status_update_add_page_goes_through_the_service_as_a_draft(admin_client, seeded, superuser):
    commitment = Commitment.objects.get(slug="space-safe-and-secure")
    response = admin_client.post(
        admin_url(StatusUpdate, "add"),
        {"commitment": commitment.pk, "status": Status.STALLED, "as_of": "2024-01-01", "rationale": "No activity."},
    )
    assert response.status_code == 302
    update = commitment.updates.get()
    assert (update.as_of, update.state, update.author) == (datetime.date(2024, 1, 1), PublicationState.DRAFT, superuser)
    commitment.refresh_from_db()
    assert commitment.status == Status.NOT_RATED


def test_published_status_updates_cannot_be_edited_in_place(admin_client, seeded):
    update = StatusUpdate.objects.get()
    response = admin_client.post(
        admin_url(StatusUpdate, "change", update.pk),
        {"commitment": update.commitment_id, "status": Status.BROKEN, "as_of": "2024-01-01", "rationale": "x"},
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.status == Status.MET


def test_article_links_record_who_added_them(admin_client, seeded, superuser):
    commitment = Commitment.objects.get(slug="space-safe-and-secure")
    article = Article.objects.get(publisher="Homeland Security Today")
    response = admin_client.post(
        admin_url(ArticleLink, "add"), {"commitment": commitment.pk, "article": article.pk, "relation": "reports"}
    )
    assert response.status_code == 302
    assert ArticleLink.objects.get(commitment=commitment).added_by == superuser
