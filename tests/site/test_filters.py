"""The commitment list's filters, sort, search and pagination: each filter matches and excludes."""

import datetime
import re

import pytest
from django.utils import timezone

from commitments.site.views import PAGE_SIZE
from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db


def listed(client, query: str) -> list[str]:
    response = client.get("/commitments/" + query, follow=True)
    assert response.status_code == 200
    return re.findall(r'<h3 class="item-title"><a href="/commitments/([^/]+)/">', response.content.decode())


@pytest.fixture
def two():
    """Two commitments that differ in every filtered field."""
    today = timezone.localdate()
    cyber, space = ThemeFactory(slug="cyber", name="Cyber"), ThemeFactory(slug="space", name="Space")
    us, uk = ActorFactory(slug="us", name="United States"), ActorFactory(slug="uk", name="United Kingdom")
    old = StatementFactory(slug="old", made_on=datetime.date(2019, 1, 1))
    new = StatementFactory(slug="new", made_on=datetime.date(2022, 1, 1))
    a = CommitmentFactory(
        slug="alpha",
        title="Alpha pledge on networks",
        statement=old,
        themes=[cyber],
        actors=[us],
        target_date=today - datetime.timedelta(days=10),
    )
    b = CommitmentFactory(
        slug="bravo",
        title="Bravo pledge on satellites",
        statement=new,
        themes=[space],
        actors=[uk],
        target_date=today + datetime.timedelta(days=400),
        wording="Launch the orbital observatory together.",
    )
    verdict(commitment=b, status="met", as_of=datetime.date(2023, 1, 1), rationale="Done.")
    return a, b


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?theme=cyber", ["alpha"]),
        ("?theme=space", ["bravo"]),
        ("?theme=cyber&theme=space", ["bravo", "alpha"]),
        ("?actor=us", ["alpha"]),
        ("?actor=uk", ["bravo"]),
        ("?status=met", ["bravo"]),
        ("?status=not_rated", ["alpha"]),
        ("?status=met&status=not_rated", ["bravo", "alpha"]),
        ("?status=broken", []),
        ("?statement=old", ["alpha"]),
        ("?statement=new", ["bravo"]),
        ("?overdue=true", ["alpha"]),
        ("?overdue=false", ["bravo"]),
        ("?search=satellites", ["bravo"]),
        ("?search=orbital+observatory", ["bravo"]),  # in the wording
        ("?search=networks", ["alpha"]),
        ("?search=United+Kingdom", ["bravo"]),  # an actor's name
        ("?search=Cyber", ["alpha"]),  # a theme's name
        ("?search=zzzz", []),
        ("?theme=cyber&status=met", []),  # filters combine
        ("?theme=space&status=met&actor=uk", ["bravo"]),
    ],
)
def test_each_filter_matches_and_excludes(client, two, query, expected):
    assert listed(client, query) == expected


def test_due_date_filters_include_the_day_and_exclude_the_rest(client, two):
    alpha, bravo = two
    assert listed(client, f"?target_before={alpha.target_date:%Y-%m-%d}") == ["alpha"]
    assert listed(client, f"?target_after={bravo.target_date:%Y-%m-%d}") == ["bravo"]
    assert listed(client, f"?target_after={alpha.target_date:%Y-%m-%d}&due_before={bravo.target_date:%Y-%m-%d}") == [
        "bravo",
        "alpha",
    ]
    assert listed(client, "?target_after=2100-01-01") == []


def test_a_commitment_without_target_date_matches_no_due_filter(client, two):
    CommitmentFactory(slug="undated")
    assert "undated" in listed(client, "")
    assert "undated" not in listed(client, "?target_before=2100-01-01")
    assert "undated" not in listed(client, "?target_after=1900-01-01")


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("-made_on", ["bravo", "alpha"]),
        ("made_on", ["alpha", "bravo"]),
        ("title", ["alpha", "bravo"]),
        ("-title", ["bravo", "alpha"]),
        ("status", ["alpha", "bravo"]),  # not rated comes before met in the vocabulary
        ("-status", ["bravo", "alpha"]),
        ("target_date", ["alpha", "bravo"]),
        ("-target_date", ["bravo", "alpha"]),
        ("status,-title", ["alpha", "bravo"]),
    ],
)
def test_ordering(client, two, ordering, expected):
    assert listed(client, f"?ordering={ordering}") == expected


def test_sorting_by_due_date_puts_undated_last(client, two):
    CommitmentFactory(slug="undated", title="Aardvark")
    assert listed(client, "?ordering=target_date") == ["alpha", "bravo", "undated"]
    assert listed(client, "?ordering=-target_date") == ["bravo", "alpha", "undated"]
    assert listed(client, "?ordering=title")[0] == "undated"


def test_drafts_are_not_offered_as_statement_choices(client, two):
    StatementFactory(slug="secret-draft", state="draft")
    html = client.get("/commitments/").content.decode()
    assert 'value="old"' in html and 'value="secret-draft"' not in html
    assert "There is no published statement" in client.get("/commitments/?statement=secret-draft").content.decode()


def test_active_filters_are_shown_and_each_chip_removes_only_itself(client, two):
    html = client.get("/commitments/?theme=cyber&theme=space&status=met&page=2").content.decode()
    chips = dict(
        (label, href.replace("&amp;", "&"))
        for href, label in re.findall(
            r'<a class="chip" href="([^"]+)"><span class="visually-hidden">Remove filter </span>([^<]+) <span', html
        )
    )
    assert chips == {
        "Theme: Cyber": "?theme=space&status=met",
        "Theme: Space": "?theme=cyber&status=met",
        "Status: Met": "?theme=cyber&theme=space",
    }
    assert "checked> Cyber</label>" in html and "checked> Met</label>" in html
    assert "Clear all filters" in html


def test_the_download_links_carry_the_current_filters(client, two):
    html = client.get("/commitments/?theme=cyber&page=2").content.decode()
    assert 'href="/export/commitments.csv?theme=cyber"' in html
    assert 'href="/export/commitments.json?theme=cyber"' in html


def test_pagination_keeps_filters_and_pages_through_everything(client, db):
    theme = ThemeFactory(slug="many")
    for _ in range(PAGE_SIZE + 3):
        CommitmentFactory(themes=[theme])
    first = client.get("/commitments/?theme=many").content.decode()
    assert 'href="?theme=many&amp;page=2"' in first
    assert len(listed(client, "?theme=many")) == PAGE_SIZE
    assert len(listed(client, "?theme=many&page=2")) == 3


@pytest.mark.parametrize(
    "query, message",
    [
        ("?status=bogus", "“bogus” is not a status"),
        ("?theme=no-such-theme", "There is no theme “no-such-theme”."),
        ("?actor=nobody", "There is no actor “nobody”."),
        ("?statement=nowhere", "There is no published statement"),
        ("?overdue=maybe", "Overdue takes true or false"),
        ("?target_before=2021-02-30", "Give the date as YYYY-MM-DD"),
        ("?target_after=yesterday", "Give the date as YYYY-MM-DD"),
        ("?target_after=99999-01-01", "Give the date as YYYY-MM-DD"),
        ("?ordering=sideways", "Order by title, status"),
        ("?search=" + "x" * 201, "Search for at most 200 characters"),
        ("?search=%00", "NUL character"),
        ("?theme=cy%00ber", "NUL character"),
        ("?status=met%00", "NUL character"),
        ("?target_before=2021-01-01%00", "NUL character"),
        ("?page=abc", "The page number must be a whole number"),
        ("?page=0", "Page numbers start at 1"),
        ("?page=-4", "Page numbers start at 1"),
        ("?page=99999999999999999999999999999", "There is no page 99999999999999999999999999999"),
        ("?page=%00", "The page number must be a whole number"),
    ],
)
def test_bad_parameters_show_the_page_with_a_message(client, two, query, message):
    response = client.get("/commitments/" + query)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"')
    # The rest of the list still shows: bad values are ignored, good ones still apply.
    assert len(re.findall(r'class="item-title"', response.content.decode())) == 2


def test_a_bad_value_does_not_drop_the_good_filters(client, two):
    assert listed(client, "?status=bogus&theme=cyber") == ["alpha"]


def test_the_bad_value_is_escaped_in_the_message(client, two):
    html = client.get("/commitments/?theme=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_parameters_are_ignored_and_left_out_of_the_download_links(client, two):
    assert listed(client, "?colour=blue&utm_source=x&status=met") == ["bravo"]
    html = client.get("/commitments/?colour=blue&utm_source=x&status=met").content.decode()
    downloads = html.split('class="downloads"')[1].split("</p>")[0]
    assert 'href="/export/commitments.csv?status=met"' in downloads
    assert "utm_source" not in downloads and "colour" not in downloads


def test_searching_orders_by_relevance_unless_an_ordering_is_chosen(client, two):
    html = client.get("/commitments/?search=pledge").content.decode()
    assert '<option value="" selected>Best match, else newest</option>' in html
    assert listed(client, "?search=pledge&ordering=title") == ["alpha", "bravo"]


def test_an_ordering_the_form_does_not_offer_is_shown_as_chosen(client, two):
    html = client.get("/commitments/?ordering=-updated_at,title").content.decode()
    assert '<option value="-updated_at,title" selected>As in the address (-updated_at,title)</option>' in html


@pytest.mark.parametrize(
    "query, tidy",
    [
        ("?search=&status=met&statement=&overdue=&target_after=&target_before=&ordering=-made_on", "?status=met"),
        ("?search=nato&ordering=", "?search=nato"),
        ("?search=nato&ordering=-made_on&page=1", "?search=nato&ordering=-made_on"),
        ("?theme=&actor=", ""),
    ],
)
def test_a_submitted_form_redirects_to_a_short_shareable_address(client, db, query, tidy):
    response = client.get("/commitments/" + query)
    assert response.status_code == 302
    assert response["Location"] == "/commitments/" + tidy


def test_a_tidy_address_is_not_redirected(client, db):
    assert client.get("/commitments/?status=met&ordering=title").status_code == 200


@pytest.mark.parametrize(
    "old, new",
    [
        ("?q=nato", "?search=nato"),
        ("?q=nato&sort=relevance", "?search=nato"),
        ("?overdue=yes&theme=cyber", "?overdue=true&theme=cyber"),
        ("?overdue=no", "?overdue=false"),
        ("?target_after=2024-01-01&due_before=2025-01-01", "?target_after=2024-01-01&target_before=2025-01-01"),
        ("?sort=newest", "?ordering=-made_on"),
        ("?sort=oldest&status=met", "?ordering=made_on&status=met"),
        ("?sort=due", "?ordering=target_date"),
        ("?sort=title&page=2", "?ordering=title&page=2"),
        ("?sort=status", "?ordering=status"),
    ],
)
def test_addresses_in_the_former_names_redirect_permanently(client, two, old, new):
    response = client.get("/commitments/" + old)
    assert response.status_code == 301
    assert response["Location"] == "/commitments/" + new
    assert listed(client, old) == listed(client, new)


def test_the_statement_choices_stay_short_but_keep_the_chosen_one(client, db, monkeypatch):
    monkeypatch.setattr("commitments.site.views.STATEMENT_CHOICES", 2)
    oldest = StatementFactory(slug="ancient", made_on=datetime.date(2000, 1, 1))
    for year in (2020, 2021, 2022):
        StatementFactory(made_on=datetime.date(year, 1, 1))
    assert 'value="ancient"' not in client.get("/commitments/").content.decode()
    html = client.get("/commitments/?statement=ancient").content.decode()
    assert f'<option value="ancient" selected>{oldest.title} (2000)</option>' in html
