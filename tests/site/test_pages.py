"""The public pages render what a reader needs, from the seed data and from factories."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from commitments.domain import stats
from commitments.models import PublicationState, Status
from tests.factories import ActorFactory, ArticleFactory, CommitmentFactory, StatementFactory, ThemeFactory, verdict

pytestmark = pytest.mark.django_db

DATA_ACCESS = "/commitments/lawful-access-data-access-agreement/"
SEED_STATEMENT = "/statements/us-uk-security-cooperation-2021/"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/commitments/",
        DATA_ACCESS,
        "/statements/",
        SEED_STATEMENT,
        "/themes/",
        "/themes/data-access/",
        "/actors/",
        "/actors/united-states/",
        "/methodology/",
    ],
)
def test_every_page_renders_with_title_description_and_canonical(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 200
    html = text_of(response)
    assert re.search(r"<title>[^<]+ · Commitment Tracker</title>", html)
    assert '<meta name="description" content="' in html
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    assert f'<meta property="og:url" content="http://testserver{url}">' in html
    assert '<meta property="og:title" content="' in html
    assert "/static/commitments/site.css" in html


def test_the_dashboard_counts_statuses_and_draws_theme_bars(client, seeded):
    html = text_of(client.get("/"))
    assert "13 published commitments" in html
    assert 'aria-label="Met: 1 of 13"' in html
    assert 'aria-label="Not rated: 12 of 13"' in html
    # The data-access theme's bar is all green and its mean is +1.
    assert 'aria-label="Lawful access to data: 1 met"' in html
    # One rated commitment is too few to headline a mean: the figure comes with its basis.
    assert re.search(
        r'href="/themes/data-access/">Lawful access to data</a>.*?mean score too few rated for a meaningful '
        r"score \(1 of 1 rated; mean \+1\)",
        html,
    )
    assert "Too few are rated for a meaningful mean score yet: 1 of 13 rated (mean +1)" in html
    assert "Latest status updates" in html and f'href="{DATA_ACCESS}#update-' in html
    assert 'href="/statements/us-uk-security-cooperation-2021/"' in html


def test_the_dashboard_lists_overdue_and_due_soon(client, db):
    today = timezone.localdate()
    CommitmentFactory(title="Late pledge", target_date=today - datetime.timedelta(days=3))
    CommitmentFactory(title="Soon pledge", target_date=today + datetime.timedelta(days=10))
    CommitmentFactory(title="Far pledge", target_date=today + datetime.timedelta(days=900))
    html = text_of(client.get("/"))
    overdue = html.split('id="overdue"')[1]
    due_soon = html.split('id="due-soon"')[1].split('id="overdue"')[0]
    assert "Late pledge" in overdue and "Soon pledge" not in overdue
    assert "Soon pledge" in due_soon and "Far pledge" not in due_soon and "Late pledge" not in due_soon


def test_a_reader_reaches_the_data_access_verdict_in_two_clicks(client, seeded):
    dashboard = text_of(client.get("/"))
    assert 'href="/themes/data-access/"' in dashboard  # click one
    theme = text_of(client.get("/themes/data-access/"))
    assert f'href="{DATA_ACCESS}"' in theme  # click two
    page = text_of(client.get(DATA_ACCESS))
    assert '<span class="badge status-met">Met</span>' in page
    assert "Delivered as committed." in page
    assert "https://www.justice.gov/opa/pr/landmark-us-uk-data-access-agreement-enters-force" in page


def test_the_commitment_page_shows_wording_source_facts_and_timeline(client, seeded):
    html = text_of(client.get(DATA_ACCESS))
    assert '<blockquote class="wording"><p>Both also agreed to ensure law enforcement' in html
    assert "as reported in <cite>U.S. and U.K. Strengthen Security Cooperation Over Emerging Threats</cite>" in html
    assert "Homeland Security Today, 11 June 2021" in html
    assert "+1 on a scale from −1 to +1" in html
    assert 'href="/actors/us-department-of-justice/"' in html and 'href="/themes/data-access/"' in html
    timeline = html.split('id="timeline"')[1]
    assert timeline.index("10 June 2021") < timeline.index("3 October 2022")  # made, then met
    assert "The U.S.–U.K. Data Access Agreement entered into force on 3 October 2022" in timeline
    assert "Shows progress" in html  # the article link's relation


def test_the_commitment_page_shows_amount_target_overdue_and_quotes(client, seeded):
    html = text_of(client.get("/commitments/uk-extra-defence-spending-24bn/"))
    assert "GBP 24,000,000,000" in html
    assert "31 March 2025" in html and "“over the next four years”" in html
    assert '<span class="flag-overdue">Overdue</span>' in html  # target passed, not settled
    assert "Ben Wallace, Secretary of State for Defence (2019–2023)" in html


def test_an_unrated_commitment_says_so(client, db):
    commitment = CommitmentFactory()
    html = text_of(client.get(commitment.get_absolute_url()))
    assert "None yet (not rated)" in html
    assert "No status update yet" in html
    assert "Overdue" not in html


def test_the_timeline_keeps_every_update_in_date_order(client, db):
    commitment = CommitmentFactory()
    for status, day in (("in_progress", 1), ("stalled", 2), ("met", 3)):
        verdict(commitment=commitment, status=status, as_of=datetime.date(2023, 1, day), rationale=f"Verdict {day}.")
    html = text_of(client.get(commitment.get_absolute_url()))
    assert html.index("Verdict 1.") < html.index("Verdict 2.") < html.index("Verdict 3.")
    assert "current status" in html.split("Verdict 2.")[1]


def test_the_statement_page_marks_commitments_in_the_reporting_article(client, seeded):
    html = text_of(client.get(SEED_STATEMENT))
    assert "Carbis Bay, Cornwall, United Kingdom" in html
    assert "Biden–Johnson bilateral meeting" in html
    assert 'href="/actors/joe-biden/"' in html
    marks = re.findall(r'<mark id="passage-([a-z0-9-]+)"><a href="/commitments/\1/"', html)
    assert "lawful-access-data-access-agreement" in marks
    assert "strengthen-modernise-nato-common-funding" in marks
    assert len(marks) == len(set(marks)) >= 10
    mark = re.search(r'<mark id="passage-lawful-access-data-access-agreement">.*?</mark>', html).group(0)
    assert "lawfully access communications content" in mark


def test_the_statement_page_prefers_its_own_source_text(client, db):
    statement = StatementFactory(source_text="Intro.\n\nWe shall plant ten thousand trees by 2030. Done.")
    statement.articles.add(ArticleFactory(body="We shall plant ten thousand trees by 2030 in the article."))
    commitment = CommitmentFactory(statement=statement, wording="we shall plant ten thousand trees by 2030.")
    html = text_of(client.get(statement.get_absolute_url()))
    assert "Text of the statement" in html and "in the article" not in html
    assert f'<a href="{commitment.get_absolute_url()}" title="Commitment: {commitment.title}">We shall plant' in html


def test_the_statement_page_lists_wordings_it_could_not_find(client, db):
    statement = StatementFactory(source_text="Nothing relevant here at all.")
    commitment = CommitmentFactory(statement=statement, wording="A pledge that is not in the text.")
    html = text_of(client.get(statement.get_absolute_url()))
    assert "Not found word for word" in html and commitment.title in html.split("Not found word for word")[1]


def test_the_statements_page_counts_published_commitments(client, seeded):
    html = text_of(client.get("/statements/"))
    assert "U.S.–U.K. statement on security cooperation, Carbis Bay" in html
    assert "13 commitments" in html


def test_theme_and_actor_scorecards_show_mix_and_mean(client, seeded):
    themes = text_of(client.get("/themes/"))
    assert 'aria-label="Serious &amp; organised crime: 1 not rated, 1 met"' in themes
    theme = text_of(client.get("/themes/organised-crime/"))
    assert "<strong>2</strong> commitments" in theme
    assert "mean score too few rated for a meaningful score (1 of 2 rated; mean +1)" in theme
    actor = text_of(client.get("/actors/priti-patel/"))
    assert "Home Secretary (2019–2022)" in actor and 'href="/actors/uk-home-office/"' in actor
    assert "mean score not rated yet (0 of 1 rated)" in actor
    assert "Dismantle serious and organised crime groups" in actor


def test_a_mean_is_headlined_once_enough_commitments_are_rated(client, db, settings):
    settings.SCORE_MIN_RATED = 2
    theme = ThemeFactory(slug="cyber", name="Cyber")
    for status in (Status.MET, Status.BROKEN, None):
        commitment = CommitmentFactory(themes=[theme])
        if status:
            verdict(commitment=commitment, status=status, as_of=datetime.date(2022, 1, 1))
    page = text_of(client.get("/themes/cyber/"))
    assert "mean score <strong>0</strong> over 2 of 3 rated" in page
    settings.SCORE_MIN_RATED = 3
    page = text_of(client.get("/themes/cyber/"))
    assert "too few rated for a meaningful score (2 of 3 rated; mean 0)" in page
    assert "<strong>0</strong> over" not in page


def test_an_actor_is_scored_by_its_own_verdict_where_it_has_one(client, db):
    uk = ActorFactory(slug="uk", name="United Kingdom")
    us = ActorFactory(slug="us", name="United States")
    commitment = CommitmentFactory(actors=[uk, us])
    verdict(commitment=commitment, status=Status.IN_PROGRESS, as_of=datetime.date(2022, 1, 1))
    verdict(commitment=commitment, status=Status.MET, as_of=datetime.date(2023, 1, 1), party=uk)
    uk_page, us_page = text_of(client.get("/actors/uk/")), text_of(client.get("/actors/us/"))
    assert "(1 of 1 rated; mean +1)" in uk_page  # its own verdict: met
    assert "(1 of 1 rated; mean 0)" in us_page  # no verdict of its own: the overall one
    cards = {card["slug"]: card for card in stats.actor_scorecards()}
    assert cards["uk"]["counts"][Status.MET] == 1 and cards["us"]["counts"][Status.IN_PROGRESS] == 1


def test_the_themes_page_lists_themes_without_commitments(client, db):
    ThemeFactory(name="Oceans")
    html = text_of(client.get("/themes/"))
    assert "Oceans" in html and "0 commitments" in html


def test_methodology_uses_the_models_vocabulary(client, db):
    html = text_of(client.get("/methodology/"))
    for status in Status:
        assert status.label in html
        assert escape(status.definition) in html
    assert re.search(r"Delivered as committed\.</td><td class=\"num\">\+1</td>", html)
    assert re.search(r"No assessment yet\.</td><td class=\"num\">none</td>", html)
    assert "mean of the scores" in html


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_the_sitemap_lists_public_pages(client, seeded):
    index = client.get("/sitemap.xml").content.decode()
    sections = re.findall(r"<loc>http://testserver(/sitemap-[a-z]+\.xml)</loc>", index)
    assert sorted(sections) == [
        f"/sitemap-{name}.xml" for name in ("actors", "commitments", "pages", "statements", "themes")
    ]
    xml = "".join(client.get(section).content.decode() for section in sections)
    assert f"<loc>http://testserver{DATA_ACCESS}</loc>" in xml
    assert f"<loc>http://testserver{SEED_STATEMENT}</loc>" in xml
    assert "<loc>http://testserver/themes/data-access/</loc>" in xml
    assert "<loc>http://testserver/methodology/</loc>" in xml
    assert xml.count("<url>") == 6 + 13 + 1 + 10 + 10


@pytest.mark.parametrize("url", ["/no-such-page/", "/commitments/no-such-commitment/", "/themes/nope/"])
def test_unknown_addresses_get_the_sites_404_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    html = text_of(response)
    assert "Page not found" in html and "/static/commitments/site.css" in html
    assert 'href="/commitments/"' in html


def test_pages_work_without_any_published_data(client, db):
    for url in ("/", "/commitments/", "/statements/", "/themes/", "/actors/"):
        assert client.get(url).status_code == 200
    assert "None is rated yet" in text_of(client.get("/"))


def test_pages_load_no_asset_from_another_host(client, seeded):
    for url in ("/", "/commitments/", DATA_ACCESS, SEED_STATEMENT):
        html = client.get(url).content.decode()
        assets = re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html)
        assert assets
        assert all(not a.startswith(("http:", "https:", "//")) or "testserver" in a for a in assets), assets
        assert "<script" not in html  # readable without JavaScript: there is none


def test_a_long_section_of_the_sitemap_comes_in_pages(client, seeded, monkeypatch):
    from commitments.site import sitemaps

    monkeypatch.setattr(sitemaps.CommitmentSitemap, "limit", 5)
    index = client.get("/sitemap.xml").content.decode()
    pages = re.findall(r"<loc>http://testserver(/sitemap-commitments\.xml(?:\?p=\d+)?)</loc>", index)
    assert pages == ["/sitemap-commitments.xml", "/sitemap-commitments.xml?p=2", "/sitemap-commitments.xml?p=3"]
    counts = [client.get(page).content.decode().count("<url>") for page in pages]
    assert counts == [5, 5, 3]
    assert client.get("/sitemap-commitments.xml?p=4").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_a_themes_pages_are_counted_from_its_totals(client, db):

    theme = ThemeFactory(slug="busy")
    for _ in range(27):
        CommitmentFactory(themes=[theme])
    CommitmentFactory(themes=[theme], state=PublicationState.DRAFT)
    CommitmentFactory()  # another theme's

    first = client.get("/themes/busy/")
    assert first.context["totals"]["total"] == 27
    assert first.context["page_obj"].paginator.num_pages == 2
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/themes/busy/", {"page": 2})
    assert len(second.context["commitments"]) == 2
