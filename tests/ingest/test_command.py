"""`manage.py import_article`: options, output, and refusals."""

import io
import json
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from commitments.models import Article, Commitment, PublicationState, Statement

pytestmark = pytest.mark.django_db

SEED_ARTICLE = settings.BASE_DIR / "seeds" / "000_a468fed3cf8681fa.txt"
HTML_ARTICLE = settings.BASE_DIR / "tests" / "ingest" / "fixtures" / "arctic-ministers.html"


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_article", *args, stdout=out)
    return out.getvalue()


def test_it_imports_a_file_and_prints_a_summary():
    out = run(str(SEED_ARTICLE))
    assert "Candidates (12), all drafts:" in out
    assert "Enhance their work to shape and secure the international order of the future" in out
    assert "Publication date unknown" in out
    assert Commitment.objects.filter(state=PublicationState.DRAFT).count() == 12


def test_json_output_has_the_documented_shape():
    result = json.loads(run(str(HTML_ARTICLE), "--json", "--url", "https://polar.example.org/arctic"))
    assert {"article", "statement", "candidates", "quotes", "related_commitments"} <= set(result)
    assert {"id", "title", "body", "published_on"} <= set(result["article"])
    assert result["article"]["published_on"] == "2023-03-15"
    assert result["article"]["url"] == "https://polar.example.org/arctic"
    assert {"text", "themes", "actors", "commitment_id"} <= set(result["candidates"][0])
    assert result["candidates"][0]["commitment_id"] == Commitment.objects.order_by("pk").first().pk
    assert {"speaker", "text"} <= set(result["quotes"][0])
    assert result["statement"]["state"] == "draft"


def test_options_set_the_publisher_and_the_date():
    run(str(SEED_ARTICLE), "--publisher", "HSToday", "--published-on", "2021-06-11")
    article = Article.objects.get()
    assert (article.publisher, str(article.published_on), article.published_on_source) == (
        "HSToday",
        "2021-06-11",
        Article.DateSource.EDITOR,
    )
    # "agreed yesterday": the statement was made the day before the article.
    assert str(Statement.objects.get().made_on) == "2021-06-10"


def test_it_reads_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED_ARTICLE.read_bytes())))
    assert "Candidates (12)" in run("-")
    assert Article.objects.count() == 1


def test_dry_run_writes_nothing():
    out = run(str(SEED_ARTICLE), "--dry-run")
    assert out.startswith("Dry run, nothing written.")
    assert "Candidates (12)" in out
    assert Article.objects.count() == Statement.objects.count() == Commitment.objects.count() == 0


def test_statement_option_attaches_to_an_existing_statement(seeded):
    run(str(HTML_ARTICLE), "--statement", "us-uk-security-cooperation-2021")
    statement = Statement.objects.get(slug="us-uk-security-cooperation-2021")
    assert statement.commitments.filter(state=PublicationState.DRAFT).count() == 5
    assert Statement.objects.count() == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.txt"], "no such file"),
        ([str(SEED_ARTICLE), "--published-on", "11/06/2021"], "is not a date"),
        ([str(SEED_ARTICLE), "--statement", "nope"], "No statement has the slug"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert Article.objects.count() == 0


def test_a_duplicate_is_refused_naming_the_existing_article(seeded):
    existing = Article.objects.get(title__startswith="U.S. and U.K.")
    with pytest.raises(CommandError, match=f"article {existing.pk}, “{existing.title}”"):
        run(str(SEED_ARTICLE))


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "is empty"),
        (b"\x00\x01\x02binary\x00", "binary file"),
        (b"caf\xe9 cr\xe8me", "not UTF-8"),
    ],
)
def test_refusals_exit_non_zero_with_one_line_and_no_traceback(tmp_path, content, message):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "manage.py", "import_article", str(path)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_the_summary_names_themes_actors_deadlines_and_related_matches_in_words(seeded, tmp_path):
    article = tmp_path / "news.txt"
    article.write_text(
        "Allies agree joint cyber defence fund\n\n"
        "LONDON, March 6, 2025 — The United Kingdom and the United States agreed on Thursday to create a joint "
        "cyber defence fund by the end of 2025, officials said.\n",
        encoding="utf-8",
    )
    out = run(str(article), "--dry-run")
    assert "actors: United Kingdom, United States" in out and "united-kingdom" not in out
    assert "target: 2025-12-31 (“by the end of 2025”)" in out
    assert "score" not in out
