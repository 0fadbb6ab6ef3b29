"""The rows of the commitment lists, written out in Python by the commitment_items tag."""

import datetime
import re

import pytest

from tests.factories import ActorFactory, CommitmentFactory, StatementFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def test_a_row_shows_title_status_target_themes_actors_and_statement(client):
    statement = StatementFactory(title="Summit <b>2021</b>", slug="summit-2021", made_on=datetime.date(2021, 9, 4))
    CommitmentFactory(
        statement=statement,
        title="Share data & <script>x</script>",
        slug="share-data",
        target_date=datetime.date(2030, 1, 31),
        themes=[ThemeFactory(name="Cyber & data", slug="cyber")],
        actors=[ActorFactory(name="Ruritania", slug="ruritania"), ActorFactory(name="Freedonia", slug="freedonia")],
    )
    html = client.get("/commitments/").content.decode()
    assert (
        '<h3 class="item-title"><a href="/commitments/share-data/">Share data &amp; &lt;script&gt;x&lt;/script&gt;</a></h3>'
        in html
    )
    assert '<span class="badge status-not_rated">Not rated</span> <span class="meta">Target 31 Jan 2030</span>' in html
    assert (
        '<span class="visually-hidden">Themes: </span><a class="tag" href="/themes/cyber/">Cyber &amp; data</a>' in html
    )
    owed = re.search(r"Owed by (.*?) · ", html).group(1)
    assert sorted(re.findall(r'href="/actors/([^/]+)/"', owed)) == ["freedonia", "ruritania"]
    assert '<a href="/statements/summit-2021/">Summit &lt;b&gt;2021&lt;/b&gt;</a>, 4 Sep 2021' in html
    assert "<script>x" not in html


def test_a_row_without_target_themes_or_actors_leaves_them_out(client):
    CommitmentFactory(title="Bare commitment", target_date=None)
    html = client.get("/commitments/").content.decode()
    row = html[html.index("Bare commitment") :]
    row = row[: row.index("</li>")]
    assert "Target" not in row
    assert "Themes:" not in row
    assert "Owed by" not in row


def test_an_empty_list_says_so(client):
    html = client.get("/commitments/?search=nothing-matches-this").content.decode()
    assert '<li class="empty">No commitment matches these filters.</li>' in html


def test_the_status_bar_is_one_svg_with_a_described_segment_per_status():
    from commitments.templatetags.tracker import status_bar

    bars = [
        {"status": "met", "label": "Met", "count": 3},
        {"status": "broken", "label": "Broken", "count": 0},
        {"status": "stalled", "label": "Stalled", "count": 1},
    ]
    svg = status_bar(bars, 'Cyber & "data"', scale=8)
    assert svg.startswith('<svg class="mix"') and svg.endswith("</svg>")
    assert 'aria-label="Cyber &amp; &quot;data&quot;: 3 met, 1 stalled"' in svg
    assert '<rect class="fill-met" x="0.0" y="0" width="37.5"' in svg and "<title>Met: 3</title>" in svg
    assert '<rect class="fill-stalled" x="37.5" y="0" width="12.5"' in svg and "fill-broken" not in svg
    empty = status_bar([{**bar, "count": 0} for bar in bars], "None")
    assert 'class="fill-empty"' in empty and "None: no commitments" in empty


def test_score_cards_link_each_theme_with_its_bar_and_figures():
    from django.template import Context, Template

    from commitments.templatetags.tracker import scorecards

    card = {
        "slug": "cyber",
        "name": "Cyber & <data>",
        "total": 1,
        "rated": 1,
        "score_meaningful": False,
        "mean_score": 1.0,
        "by_status": [{"status": "met", "label": "Met", "count": 1}],
    }
    html = scorecards([card, {**card, "slug": "space", "name": "Space", "total": 2}], "commitments:theme-detail", "")

    assert html.startswith('<ul class="scorecards">') and html.endswith("</ul>")
    assert '<a class="card-name" href="/themes/cyber/">Cyber &amp; &lt;data&gt;</a>' in html
    assert '<a class="card-name" href="/themes/space/">Space</a>' in html
    assert "1 commitment · mean score too few rated" in html and "2 commitments · mean score" in html
    assert html.count('<svg class="mix"') == 2
    # The template tags it stands for give the same bar and figures.
    expected = Template("{% load tracker %}{% status_bar card.by_status card.name %}").render(Context({"card": card}))
    assert expected in html
    assert scorecards([], "commitments:theme-detail", "None yet & soon.") == (
        '<ul class="scorecards">\n    <li class="empty">None yet &amp; soon.</li>\n  </ul>'
    )
