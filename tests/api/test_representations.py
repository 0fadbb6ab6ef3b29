"""The row-built JSON of the busiest endpoints is exactly what the documented serializers give."""

import datetime
import json
from decimal import Decimal

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from commitments.api import serializers
from commitments.api.renderers import ORJSONRenderer
from commitments.api.views import CommitmentViewSet, StatusUpdateViewSet
from commitments.models import Article, ArticleLink, Commitment, PublicationState, StatusUpdate
from tests.factories import ActorFactory, ArticleFactory, ArticleLinkFactory, CommitmentFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


@pytest.fixture
def varied():
    """Commitments covering every optional value: amounts with and without cents, no amount,
    target dates past, future and none, settled and open statuses, actors sharing a name, articles
    without an address or a date, several updates and links, unusual text."""
    themes = [ThemeFactory(name="Zeta"), ThemeFactory(name="Alpha")]
    twins = [ActorFactory(name="Ministry of Finance"), ActorFactory(name="Ministry of Finance"), ActorFactory()]
    plain = CommitmentFactory(themes=themes, actors=twins, amount=Decimal("1250000.5"), currency="EUR")
    overdue = CommitmentFactory(
        statement=plain.statement,
        target_date=TODAY - datetime.timedelta(days=30),
        amount=Decimal("3"),
        currency="GBP",
        summary='Quotes " and \\ and \u2028 line separators, accents: é',
        themes=themes[:1],
    )
    met = CommitmentFactory(target_date=TODAY - datetime.timedelta(days=1), actors=twins[:1])
    CommitmentFactory(target_date=TODAY + datetime.timedelta(days=9))
    CommitmentFactory(state=PublicationState.DRAFT, title="Draft, never shown")
    no_address = ArticleFactory(url="", published_on=None)
    dated = ArticleFactory()
    verdict(commitment=overdue, status="in_progress", as_of=datetime.date(2022, 1, 3), rationale="r1", articles=[dated])
    verdict(
        commitment=overdue,
        status="partially_met",
        as_of=datetime.date(2023, 5, 1),
        rationale="r2",
        articles=[no_address, dated],
    )
    verdict(commitment=met, status="met", as_of=datetime.date(2023, 2, 1), rationale="done")
    # A party's own verdict, corrected by a later one; a draft that shows nowhere.
    wrong = verdict(commitment=met, status="broken", as_of=datetime.date(2023, 3, 1), party=twins[0])
    verdict(commitment=met, status="partially_met", as_of=datetime.date(2023, 1, 1), party=twins[0], corrects=wrong)
    verdict(commitment=met, status="stalled", as_of=datetime.date(2023, 4, 1), state=PublicationState.DRAFT)
    ArticleLinkFactory(commitment=overdue, article=no_address, relation="setback", excerpt="A passage", note="Why")
    ArticleLinkFactory(commitment=overdue, article=dated)
    return {"overdue": overdue, "plain": plain, "met": met}


def drf_json(serializer_class, instance, path: str, many: bool = False):
    """What the DRF serializer shows for `instance`, rendered as the API renders it."""
    request = Request(APIRequestFactory().get(path))
    data = serializer_class(instance, many=many, context={"request": request}).data
    return json.loads(ORJSONRenderer().render(data))


def test_the_commitment_list_matches_its_serializer(client, varied):
    response = client.get("/api/v1/commitments/")
    assert response.status_code == 200
    results = response.json()["results"]
    expected = drf_json(
        serializers.CommitmentSerializer,
        CommitmentViewSet().public_queryset(),
        "/api/v1/commitments/",
        many=True,
    )
    assert len(results) == 4  # the draft is not listed
    assert results == expected


def test_every_commitment_detail_matches_its_serializer(client, varied):
    for commitment in Commitment.objects.published():
        path = f"/api/v1/commitments/{commitment.slug}/"
        response = client.get(path)
        assert response.status_code == 200
        expected = drf_json(
            serializers.CommitmentDetailSerializer, CommitmentViewSet().detail_queryset().get(pk=commitment.pk), path
        )
        assert response.json() == expected


def test_the_detail_shows_the_timeline_and_links_it_was_given(client, varied):
    body = client.get(f"/api/v1/commitments/{varied['overdue'].slug}/").json()
    assert [entry["status"] for entry in body["timeline"]] == ["partially_met", "in_progress"]
    assert [len(entry["evidence"]) for entry in body["timeline"]] == [2, 1]
    assert {link["relation"] for link in body["links"]} == {"setback", "reports"}
    assert body["is_overdue"] is True
    assert body["amount"] == "3.00"
    met = client.get(f"/api/v1/commitments/{varied['met'].slug}/").json()
    assert [entry["status"] for entry in met["timeline"]] == ["broken", "met", "partially_met"]  # no draft
    assert [entry["corrected_by"] is not None for entry in met["timeline"]] == [True, False, False]
    assert [p["status"] for p in met["party_statuses"]] == ["partially_met"]


def test_the_status_update_list_matches_its_serializer(client, varied):
    response = client.get("/api/v1/status-updates/")
    assert response.status_code == 200
    expected = drf_json(
        serializers.StatusUpdateSerializer,
        StatusUpdateViewSet().public_queryset(),
        "/api/v1/status-updates/",
        many=True,
    )
    assert len(expected) == StatusUpdate.objects.filter(state=PublicationState.PUBLISHED).count() == 5
    assert {row["corrected_by"] for row in expected} - {None}  # the correction is among them
    assert response.json()["results"] == expected


def test_a_filtered_and_searched_page_matches_its_serializer(client, varied):
    theme = varied["overdue"].themes.get()
    path = f"/api/v1/commitments/?theme={theme.slug}&search=Commitment&ordering=-title"
    results = client.get(path).json()["results"]
    expected = drf_json(
        serializers.CommitmentSerializer,
        Commitment.objects.published().filter(themes=theme).order_by("-title", "pk"),
        path,
        many=True,
    )
    assert [row["slug"] for row in results] == [row["slug"] for row in expected] and len(results) == 2
    assert results == expected


def test_an_unknown_or_unpublished_commitment_is_a_json_404(client, varied):
    draft = Commitment.objects.get(title="Draft, never shown")
    for slug in ("no-such-commitment", draft.slug):
        response = client.get(f"/api/v1/commitments/{slug}/")
        assert response.status_code == 404
        assert response.json() == {"detail": "No Commitment matches the given query."}


def test_an_article_link_to_an_unpublished_article_still_shows(client, varied):
    # Links hang off the published commitment; the article has no state of its own.
    assert Article.objects.filter(url="").exists()
    body = client.get(f"/api/v1/commitments/{varied['overdue'].slug}/").json()
    assert any(link["article"]["url"] is None for link in body["links"])
    assert ArticleLink.objects.filter(commitment=varied["overdue"]).count() == len(body["links"])


def test_a_detail_address_refuses_the_list_filters(client, varied):
    # Filters are parameters of the lists; a detail names its record, for every resource, and
    # takes only `format`.
    slug = varied["met"].slug
    assert client.get(f"/api/v1/commitments/{slug}/", {"status": "broken"}).status_code == 400
    assert client.get(f"/api/v1/commitments/{slug}/", {"format": "json"}).status_code == 200
    theme = varied["plain"].themes.first()
    assert list(client.get(f"/api/v1/themes/{theme.slug}/", {"search": "no such words"}).json()) == ["search"]
    assert client.get("/api/v1/commitments/", {"status": "broken"}).json()["count"] == 0


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata"])
def test_timestamps_are_written_as_the_datetime_field_writes_them(rf, settings, zone):
    from django.utils import timezone
    from rest_framework import serializers

    from commitments.api.representations import Output

    settings.TIME_ZONE = zone
    field = serializers.DateTimeField()
    moments = [
        datetime.datetime(2021, 6, 10, 12, 30, tzinfo=datetime.UTC),
        datetime.datetime(2021, 1, 10, 23, 59, 59, 123456, tzinfo=datetime.UTC),
        datetime.datetime(2024, 3, 31, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=5))),
    ]
    with timezone.override(zone):
        out = Output(rf.get("/api/v1/commitments/"))
        written = [out.moment(moment) for moment in moments]
        assert written == [field.to_representation(moment) for moment in moments]
    assert out.moment(None) is None
    assert written[0].endswith("Z") == (zone == "UTC")
