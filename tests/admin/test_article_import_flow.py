"""The article import from start to finish: preview, "Import these drafts", then submit all or discard all."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.domain.roles import EDITORS
from commitments.models import Article, ArticleLink, Commitment, PublicationState, Quote, Statement
from tests.admin.conftest import admin_url, messages_of
from tests.factories import ArticleFactory, CommitmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:commitments_article_import_article")
CONFIRM_URL = reverse("admin:commitments_article_import_confirm")
NEWS = (
    "Allies agree joint cyber defence fund\n\n"
    "LONDON, March 6, 2025 — The United Kingdom and the United States agreed on Thursday to create a joint cyber "
    "defence fund by the end of 2025, officials said.\n\n"
    "The two countries will also train 500 cyber specialists within two years, the Home Office said.\n"
)
DATA_ACCESS_NEWS = (
    "WASHINGTON, October 3, 2022 — The bilateral Data Access Agreement between the United States and the United "
    "Kingdom entered into force on Monday, giving law enforcement lawful access to communications content for the "
    "investigation and prosecution of serious crime."
)


def preview(client, **data) -> tuple[str, str]:
    """Post the form with the Preview button: the page and the key of the preview it keeps."""
    response = client.post(IMPORT_URL, {"preview": "Preview", **data})
    assert response.status_code == 200
    page = response.content.decode()
    key = re.search(r'name="preview" value="([^"]+)"', page)
    return page, key.group(1) if key else ""


def review_url(article: Article) -> str:
    return reverse("admin:commitments_article_review_import", args=[article.pk])


def imported(client) -> Article:
    client.post(IMPORT_URL, {"text": NEWS})
    return Article.objects.latest("pk")


def test_the_preview_imports_what_it_showed_in_one_step(admin_client):
    page, key = preview(admin_client, text=NEWS, publisher="Example News")
    assert "Import these drafts" in page and "Draft commitments (2)" in page
    assert Article.objects.count() == 0
    response = admin_client.post(CONFIRM_URL, {"preview": key})
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == review_url(article)
    assert article.publisher == "Example News"
    assert Commitment.objects.filter(state=PublicationState.DRAFT).count() == 2
    assert "2 draft commitments" in " ".join(messages_of(response))


def test_change_the_input_fills_the_form_with_what_was_previewed(admin_client):
    page, key = preview(admin_client, text=NEWS, publisher="Example News", published_on="2025-03-06")
    assert f"{IMPORT_URL}?preview={key}" in page
    form = admin_client.get(IMPORT_URL, {"preview": key}).content.decode()
    assert "Allies agree joint cyber defence fund" in form and 'value="Example News"' in form
    assert 'value="2025-03-06"' in form
    blank = admin_client.get(IMPORT_URL, {"preview": "unknown"}).content.decode()
    assert "Example News" not in blank


def test_an_uploaded_file_is_imported_from_its_preview(admin_client):
    upload = SimpleUploadedFile("news.txt", NEWS.encode(), content_type="text/plain")
    _, key = preview(admin_client, file=upload)
    admin_client.post(CONFIRM_URL, {"preview": key})
    assert Article.objects.get().title == "Allies agree joint cyber defence fund"


def test_a_preview_is_imported_once_and_a_used_key_is_refused(admin_client):
    _, key = preview(admin_client, text=NEWS)
    admin_client.post(CONFIRM_URL, {"preview": key})
    again = admin_client.post(CONFIRM_URL, {"preview": key})
    assert again.status_code == 400
    assert "This preview is no longer available" in again.content.decode()
    assert Article.objects.count() == 1 and Commitment.objects.count() == 2


@pytest.mark.parametrize("key", ["", "made-up", "../../etc/passwd"])
def test_an_unknown_preview_key_is_refused_and_writes_nothing(admin_client, key):
    response = admin_client.post(CONFIRM_URL, {"preview": key})
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_another_analysts_preview_cannot_be_imported(admin_client, client):
    _, key = preview(admin_client, text=NEWS)
    other = StaffFactory(is_superuser=True)
    client.force_login(other)
    assert client.post(CONFIRM_URL, {"preview": key}).status_code == 400
    assert Article.objects.count() == 0


def test_an_article_imported_since_the_preview_is_refused_on_the_form(admin_client):
    _, key = preview(admin_client, text=NEWS)
    admin_client.post(IMPORT_URL, {"text": NEWS})
    response = admin_client.post(CONFIRM_URL, {"preview": key})
    assert response.status_code == 200
    assert "Already imported" in response.content.decode()
    assert Article.objects.count() == 1


def test_confirming_needs_the_import_permission(client):
    user = StaffFactory()
    client.force_login(user)
    assert client.post(CONFIRM_URL, {"preview": "x"}).status_code == 403


def test_the_review_page_names_themes_actors_deadlines_and_flags_the_statement(admin_client, seeded):
    article = imported(admin_client)
    page = admin_client.get(review_url(article)).content.decode()
    assert "Create a joint cyber defence fund by the end of 2025" in page
    assert "2025-12-31" in page and "“by the end of 2025”" in page
    assert "2027-03-06" in page  # within two years of the article's date
    assert "United Kingdom, United States" in page and "united-kingdom" not in page.split("Quotes (")[0]
    assert "Cyber" in page
    statement = Statement.objects.get(articles=article)
    assert statement.title == "Allies agree joint cyber defence fund (statement of 2025-03-06)"
    assert "still named after the article" in page
    assert "officials said" not in Commitment.objects.order_by("pk").first().wording


def test_related_commitments_show_a_label_and_the_shared_terms(admin_client, seeded):
    admin_client.post(IMPORT_URL, {"text": DATA_ACCESS_NEWS})
    article = Article.objects.latest("pk")
    page = admin_client.get(review_url(article)).content.decode()
    related = page.split("may report on")[1]
    assert re.search(r"(Strong|Possible) match", related)
    assert "Shared terms:" in related and "access" in related
    assert not re.search(r"score|0\.\d\d", related)


def test_the_link_form_shows_dates_as_yyyy_mm_dd(admin_client, seeded):
    admin_client.post(IMPORT_URL, {"text": DATA_ACCESS_NEWS})
    page = admin_client.get(review_url(Article.objects.latest("pk"))).content.decode()
    assert 'value="2022-10-03"' in page and "03/10/2022" not in page and "10/03/2022" not in page


@pytest.mark.parametrize("model", [Article, Statement, Commitment])
def test_the_lists_link_to_the_import_by_a_name_apart_from_the_spreadsheet_import(admin_client, model):
    page = admin_client.get(admin_url(model, "changelist")).content.decode()
    assert f'href="{IMPORT_URL}"' in page and "Import from an article" in page
    assert admin_url(model, "import") in page  # the spreadsheet import stays beside it


def test_the_import_link_is_hidden_from_staff_who_may_not_import(client):
    user = StaffFactory()
    user.user_permissions.add(*Permission.objects.filter(codename="view_article"))
    client.force_login(user)
    assert "Import from an article" not in client.get(admin_url(Article, "changelist")).content.decode()


# --- Submit all for review, discard all


def submit(client, article):
    return client.post(reverse("admin:commitments_article_submit_import", args=[article.pk]))


def discard(client, article):
    return client.post(reverse("admin:commitments_article_discard_import", args=[article.pk]))


def test_submit_all_is_refused_while_the_statement_has_its_placeholder_name(client, editor):
    client.force_login(editor)
    article = imported(client)
    response = submit(client, article)
    assert "Nothing was changed" in " ".join(messages_of(response)) and "rename it first" in " ".join(
        messages_of(response)
    )
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.DRAFT}


def test_submit_all_moves_every_draft_and_the_statement_to_review_through_the_workflow(client, editor):
    client.force_login(editor)
    article = imported(client)
    Statement.objects.filter(articles=article).update(title="U.K.–U.S. cyber statement, London")
    response = submit(client, article)
    assert response.status_code == 302
    assert "Submitted 2 draft commitments for review" in " ".join(messages_of(response))
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.REVIEW}
    statement = Statement.objects.get()
    assert statement.state == PublicationState.REVIEW and statement.state_changed_by == editor
    # Reviewed is not published: nothing went public.
    assert not Commitment.objects.published().exists()


def test_submit_all_without_the_change_permission_moves_nothing(client, editor):
    client.force_login(editor)
    article = imported(client)
    Statement.objects.update(title="Renamed")
    viewer = StaffFactory()
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_article", "change_statement"]))
    client.force_login(viewer)
    response = submit(client, article)
    assert "You may not change commitments" in " ".join(messages_of(response))
    # The statement the viewer may move did not move alone: all or nothing.
    assert Statement.objects.get().state == PublicationState.DRAFT
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.DRAFT}


def test_a_get_request_changes_nothing(admin_client):
    article = imported(admin_client)
    Statement.objects.update(title="Renamed")
    for name in ("submit", "discard"):
        response = admin_client.get(reverse(f"admin:commitments_article_{name}_import", args=[article.pk]))
        assert response.status_code == 302
    assert Commitment.objects.filter(state=PublicationState.DRAFT).count() == 2


def test_discard_all_undoes_the_import_so_it_can_be_imported_again(client, editor):
    client.force_login(editor)
    article = imported(client)
    response = discard(client, article)
    assert response["Location"] == IMPORT_URL
    assert "Discarded 2 draft commitments" in " ".join(messages_of(response))
    assert Commitment.objects.count() == Statement.objects.count() == Quote.objects.count() == 0
    assert not Article.objects.exists()
    assert client.post(IMPORT_URL, {"text": NEWS}).status_code == 302  # no longer a duplicate


def test_discard_all_keeps_an_article_that_other_records_use(admin_client, seeded):
    article = imported(admin_client)
    other = Commitment.objects.published().first()
    ArticleLink.objects.create(article=article, commitment=other, relation=ArticleLink.Relation.CONTEXT)
    response = discard(admin_client, article)
    assert response["Location"] == admin_url(Article, "change", article.pk)
    assert "The article stays" in " ".join(messages_of(response))
    assert Article.objects.filter(pk=article.pk).exists()
    assert not Commitment.objects.filter(state=PublicationState.DRAFT, links__article=article).exists()


def test_discard_all_never_deletes_a_published_commitment_the_article_reports(admin_client, seeded):
    article = imported(admin_client)
    published = Commitment.objects.published().first()
    ArticleLink.objects.create(article=article, commitment=published, relation=ArticleLink.Relation.REPORTS)
    discard(admin_client, article)
    assert Commitment.objects.filter(pk=published.pk, state=PublicationState.PUBLISHED).exists()
    assert not Commitment.objects.filter(state=PublicationState.DRAFT, links__article=article).exists()


def test_another_editors_drafts_are_not_discarded_without_the_delete_permission(client, editor):
    client.force_login(editor)
    article = imported(client)
    client.force_login(StaffFactory(username="ed2", groups=[EDITORS]))
    response = discard(client, article)
    assert "Only the analyst who imported these drafts" in " ".join(messages_of(response))
    assert Commitment.objects.count() == 2 and Statement.objects.count() == 1


def test_an_article_without_drafts_has_nothing_to_submit_or_discard(admin_client):
    article = ArticleFactory()
    assert "no drafts left to submit" in " ".join(messages_of(submit(admin_client, article)))
    assert "no drafts left to discard" in " ".join(messages_of(discard(admin_client, article)))
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_draft_someone_else_holds_in_the_same_statement_keeps_the_statement(client, editor):
    client.force_login(editor)
    article = imported(client)
    statement = Statement.objects.get()
    CommitmentFactory(statement=statement, state=PublicationState.DRAFT)
    discard(client, article)
    assert Statement.objects.filter(pk=statement.pk).exists() and Commitment.objects.count() == 1


def test_a_forged_state_in_the_submit_request_publishes_nothing(client, publisher):
    client.force_login(publisher)
    article = imported(client)
    Statement.objects.update(title="Renamed")
    client.post(reverse("admin:commitments_article_submit_import", args=[article.pk]), {"state": "published"})
    assert set(Commitment.objects.values_list("state", flat=True)) == {PublicationState.REVIEW}
    assert not Commitment.objects.published().exists() and not Statement.objects.published().exists()


def test_discarding_drafts_attached_to_a_published_statement_leaves_the_statement(admin_client, seeded):
    statement = Statement.objects.published().first()
    admin_client.post(IMPORT_URL, {"text": NEWS, "statement": statement.pk})
    article = Article.objects.latest("pk")
    drafts = Commitment.objects.filter(links__article=article)
    assert drafts.count() == 2 and {c.statement_id for c in drafts} == {statement.pk}
    discard(admin_client, article)
    assert Statement.objects.published().filter(pk=statement.pk).exists()
    assert not Commitment.objects.filter(links__article=article).exists()
