"""Each public page runs a fixed number of queries: the same for one row as for fifty."""

import pytest
from django.db import connection

from tests.sitedata import many_commitments

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"

# Every page starts with one query for the time of the latest change (its ETag/Last-Modified).
PAGES = {
    # version; totals by status (one aggregate); theme groups + theme names; actor groups + actor
    # names; latest updates; latest statements; due soon; overdue
    "/": 10,
    # version; count; theme, actor and statement choices for the form; rows + statements; their
    # themes; their actors
    "/commitments/": 8,
    # a ranked search: as above, its count read with the page's ids, then its rows by those ids
    "/commitments/?search=Commitment": 8,
    # as above, plus one lookup each for the theme and actor slugs given
    "/commitments/?search=Commitment&theme={theme}&actor={actor}&status=met&overdue=false&ordering=title": 10,
    # version; commitment + statement; themes; actors; statement's articles; updates; their evidence;
    # article links + articles; quotes + speakers; lineage (one step when it stands alone)
    "/commitments/{commitment}/": 10,
    # version; count; rows with commitment counts; parties
    "/statements/": 4,
    # version; statement; parties; articles; commitments; quotes; totals for its status bar
    "/statements/{statement}/": 7,
    # version; theme groups; theme names
    "/themes/": 3,
    # version; theme; totals (which give the page count); rows; their themes; their actors
    "/themes/{theme}/": 6,
    "/actors/": 3,
    # as a theme, plus the statements the actor is party to
    "/actors/{actor}/": 7,
    # version only: the vocabulary comes from the model's code
    "/methodology/": 1,
    # version; updates + commitments
    "/feeds/updates/": 2,
    # version; the theme, actor or commitment; its updates
    "/feeds/themes/{theme}/": 3,
    "/feeds/actors/{actor}/": 3,
    "/feeds/commitments/{commitment}/": 3,
    # On PostgreSQL the database writes the CSV (domain.record_lines): the ids in order, then
    # one query per run of CHUNK_ROWS commitments. Elsewhere, as the JSON below.
    "/export/commitments.csv": 2 if POSTGRESQL else 6,
    # rows (one chunk) + statements; their themes; their actors; their parties' verdicts; the
    # verdicts in force; their evidence
    "/export/commitments.json": 6,
    "/export/commitments.ndjson": 6,
    "/export/commitments.csv?theme={theme}&ordering=status": 3 if POSTGRESQL else 7,  # and the theme's lookup
    # none: it describes the CSV without reading it
    "/export/datapackage.json": 0,
    # The index: version; the pages of the four model sections (a count each); the latest change
    # of commitments and of statements
    "/sitemap.xml": 7,
    # A section: version; its count (for the page); its rows
    "/sitemap-commitments.xml": 3,
    "/sitemap-statements.xml": 3,
}


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("url", PAGES)
def test_each_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, url, rows):
    commitment = many_commitments(rows, n_updates=2, n_links=2, n_quotes=2)[0]
    formatted = url.format(
        commitment=commitment.slug,
        statement=commitment.statement.slug,
        theme=commitment.themes.get().slug,
        actor=commitment.actors.get().slug,
    )
    with django_assert_num_queries(PAGES[url]):
        response = client.get(formatted)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert body
