"""The admin's "Import article" page, the review page, and the one-step link to a related commitment."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.models import Article, ArticleLink, Commitment, PublicationState, Statement, Status, StatusUpdate
from tests.factories import ArticleFactory, ArticleLinkFactory, CommitmentFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:commitments_article_import_article")
SEED_ARTICLE = settings.BASE_DIR / "seeds" / "000_a468fed3cf8681fa.txt"
HTML_ARTICLE = settings.BASE_DIR / "tests" / "ingest" / "fixtures" / "arctic-ministers.html"
ARTICLE = (
    "Canada and Mexico sign border health accord\n\n"
    "OTTAWA, May 4, 2023 — The two countries will fund a joint vaccine laboratory in Monterrey, officials said."
)
DATA_ACCESS_NEWS = (
    "WASHINGTON, October 3, 2022 — The bilateral Data Access Agreement between the United States and the United "
    "Kingdom entered into force on Monday, giving law enforcement lawful access to communications content for the "
    "investigation and prosecution of serious crime."
)


def review_url(article_id: int) -> str:
    return reverse("admin:commitments_article_review_import", args=[article_id])


def test_the_article_list_links_to_the_import_page(admin_client):
    page = admin_client.get(reverse("admin:commitments_article_changelist")).content.decode()
    assert IMPORT_URL in page
    # The spreadsheet import and export buttons stay.
    assert reverse("admin:commitments_article_import") in page and reverse("admin:commitments_article_export") in page
    assert admin_client.get(IMPORT_URL).status_code == 200


def test_pasted_text_is_imported_and_the_review_page_links_the_drafts(admin_client):
    response = admin_client.post(IMPORT_URL, {"text": ARTICLE, "publisher": "Example News"}, follow=True)
    article = Article.objects.get()
    assert response.redirect_chain == [(review_url(article.pk), 302)]
    commitment = Commitment.objects.get()
    assert commitment.state == PublicationState.DRAFT
    page = response.content.decode()
    assert reverse("admin:commitments_commitment_change", args=[commitment.pk]) in page
    assert reverse("admin:commitments_statement_change", args=[Statement.objects.get().pk]) in page
    assert "1 draft commitment and" in page
    assert article.publisher == "Example News"


def test_an_uploaded_html_file_is_imported(admin_client):
    upload = SimpleUploadedFile("arctic.html", HTML_ARTICLE.read_bytes(), content_type="text/html")
    response = admin_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Arctic ministers agree to restart scientific work"
    assert article.published_on == datetime.date(2023, 3, 15)
    assert Commitment.objects.count() == 5


def test_a_preview_shows_the_result_and_writes_nothing(admin_client):
    response = admin_client.post(IMPORT_URL, {"text": SEED_ARTICLE.read_text(encoding="utf-8"), "dry_run": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Import preview: nothing was written" in page
    assert "Draft commitments (12)" in page
    assert Article.objects.count() == Commitment.objects.count() == 0


def test_the_preview_lists_what_was_removed_and_why(admin_client):
    response = admin_client.post(IMPORT_URL, {"text": SEED_ARTICLE.read_text(encoding="utf-8"), "dry_run": "on"})
    removed = response.content.decode().split("Removed from the text before reading it (")[1].split("</table>")[0]
    assert "<td>furniture</td><td>Read more at the U.K. Home Office</td>" in removed
    assert "<td>author box</td>" in removed
    clean = (
        "The two governments agreed on Tuesday to open a joint flood warning centre by 2027.\n\n"
        "Officials said the centre would share river gauge data with both national agencies.\n"
    )
    plain = admin_client.post(IMPORT_URL, {"text": clean, "dry_run": "on"})
    assert "Import preview" in plain.content.decode() and "Removed from the text" not in plain.content.decode()


def test_a_duplicate_is_refused_on_the_form_naming_the_existing_article(admin_client, seeded):
    existing = Article.objects.get(title__startswith="U.S. and U.K.")
    upload = SimpleUploadedFile(SEED_ARTICLE.name, SEED_ARTICLE.read_bytes(), content_type="text/plain")
    response = admin_client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert f"Already imported: article {existing.pk}" in response.content.decode()
    assert Article.objects.count() == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Paste the article"),
        ({"text": "   "}, "Paste the article"),
        ({"file": SimpleUploadedFile("report.pdf", b"%PDF-1.4 ...")}, "Only .txt, .html and .htm"),
        ({"file": SimpleUploadedFile("empty.txt", b"")}, "The submitted file is empty"),
        ({"file": SimpleUploadedFile("photo.txt", b"\x89PNG\x00\x00")}, "binary file"),
        ({"text": ARTICLE, "url": "not a url at all"}, "Enter a valid URL"),
    ],
)
def test_bad_input_is_refused_on_the_form_and_writes_nothing(admin_client, data, message):
    response = admin_client.post(IMPORT_URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Article.objects.count() == 0


def test_article_text_is_escaped_on_the_review_page(admin_client):
    text = "Canada and Mexico will fund <script>alert(1)</script> a joint vaccine laboratory in Monterrey."
    admin_client.post(IMPORT_URL, {"text": text})
    page = admin_client.get(review_url(Article.objects.get().pk)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_related_commitment_becomes_a_link_and_a_status_update_in_one_step(admin_client, seeded):
    admin_client.post(IMPORT_URL, {"text": DATA_ACCESS_NEWS})
    article = Article.objects.latest("pk")
    page = admin_client.get(review_url(article.pk)).content.decode()
    commitment = Commitment.objects.get(slug="lawful-access-data-access-agreement")
    link_url = reverse("admin:commitments_article_link_related", args=[article.pk, commitment.pk])
    assert link_url in page

    prefix = f"c{commitment.pk}"
    response = admin_client.post(
        link_url,
        {
            f"{prefix}-relation": "progress",
            f"{prefix}-status": "met",
            f"{prefix}-as_of": "2022-10-03",
            f"{prefix}-rationale": "The agreement entered into force.",
        },
    )
    assert response.status_code == 302
    link = ArticleLink.objects.get(article=article, commitment=commitment)
    assert link.relation == "progress" and link.added_by.username == "admin"
    update = StatusUpdate.objects.filter(commitment=commitment).order_by("-created_at").first()
    assert update.rationale == "The agreement entered into force." and list(update.evidence.all()) == [article]
    assert (update.state, update.author.username) == (PublicationState.DRAFT, "admin")  # reviewed before it counts
    assert any("recorded a draft status update “Met”" in str(m) for m in get_messages(response.wsgi_request))
    # Once linked, it is no longer offered.
    assert link_url not in admin_client.get(review_url(article.pk)).content.decode()


def test_an_incomplete_status_update_writes_neither_link_nor_update(admin_client, seeded):
    admin_client.post(IMPORT_URL, {"text": DATA_ACCESS_NEWS})
    article = Article.objects.latest("pk")
    commitment = Commitment.objects.get(slug="lawful-access-data-access-agreement")
    updates = StatusUpdate.objects.count()
    prefix = f"c{commitment.pk}"
    response = admin_client.post(
        reverse("admin:commitments_article_link_related", args=[article.pk, commitment.pk]),
        {f"{prefix}-relation": "progress", f"{prefix}-status": Status.MET, f"{prefix}-as_of": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A status update needs the date it holds from." in page and "Say why" in page
    assert not ArticleLink.objects.filter(article=article, commitment=commitment).exists()
    assert StatusUpdate.objects.count() == updates


def test_staff_without_permission_cannot_import(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 403
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "add_commitment"]))
    client.force_login(user)
    assert client.get(IMPORT_URL).status_code == 200


def test_a_linker_without_status_rights_cannot_record_a_status(client, seeded):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "add_articlelink"]))
    client.force_login(user)
    article = ArticleFactory()
    commitment = Commitment.objects.get(slug="lawful-access-data-access-agreement")
    url = reverse("admin:commitments_article_link_related", args=[article.pk, commitment.pk])
    prefix = f"c{commitment.pk}"
    data = {
        f"{prefix}-relation": "progress",
        f"{prefix}-status": "met",
        f"{prefix}-as_of": "2022-10-03",
        f"{prefix}-rationale": "x",
    }
    assert client.post(url, data).status_code == 403
    assert not ArticleLink.objects.filter(article=article).exists()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("n", [1, 50])
def test_the_review_page_makes_the_same_queries_for_1_or_50_drafts(admin_client, django_assert_num_queries, n):
    article = ArticleFactory(body="Nothing here matches any published commitment.")
    statement = Statement.objects.create(title="Draft", made_on=datetime.date(2021, 6, 10))
    theme = ThemeFactory()
    for _ in range(n):
        commitment = CommitmentFactory(statement=statement, state=PublicationState.DRAFT, themes=[theme])
        ArticleLinkFactory(article=article, commitment=commitment)
    # session, user, the article, its draft links with commitment and statement, their themes, their actors,
    # the article's quotes, the ids already linked, the published commitments for the related suggestions.
    with django_assert_num_queries(9):
        response = admin_client.get(review_url(article.pk))
    assert response.content.decode().count("/admin/commitments/commitment/") >= n
