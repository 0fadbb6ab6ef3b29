"""Admin spreadsheets (django-import-export): formulas escaped on export, rows validated as the
forms validate them, uploads private to the session that made them."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commitments.models import Actor, Article
from tests.factories import CommitmentFactory, UserFactory

pytestmark = pytest.mark.django_db
CSV = "0"  # the format's index in the admin's list


def export_commitments(client) -> list[dict]:
    fields = ["slug", "title", "currency"]
    data = {"format": CSV, "resource": "0", **{f"commitmentresource_{name}": "on" for name in fields}}
    response = client.post("/admin/commitments/commitment/export/", data)
    assert response.status_code == 200, response.content[:500]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_admin_export_escapes_formulas(admin_client):
    CommitmentFactory(slug="evil", title='=HYPERLINK("http://evil.example")', amount=5, currency="GBP")

    [row] = export_commitments(admin_client)

    # django-import-export drops the characters that would start a formula.
    assert row["title"] == 'HYPERLINK("http://evil.example")'
    assert row["slug"] == "evil"


def upload(client, model: str, text: str):
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    return client.post(f"/admin/commitments/{model}/import/", {"import_file": upload, "format": CSV, "resource": "0"})


def confirm_fields(response) -> dict:
    html = response.content.decode()
    names = ["import_file_name", "original_file_name", "format", "resource"]
    found = {}
    for name in names:
        match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', html
        )
        if match:
            found[name] = match.group(1)
    return found


ACTORS = "name,slug,kind,parent,role,aliases\nNew Zealand,new-zealand,country,,,NZ\n"


def test_an_upload_previewed_then_confirmed_in_the_same_session_is_imported(admin_client):
    preview = upload(admin_client, "actor", ACTORS)
    fields = confirm_fields(preview)
    assert re.fullmatch(r"[0-9a-f]{32}", fields["import_file_name"])  # a random name, not a path

    response = admin_client.post("/admin/commitments/actor/process_import/", fields)

    assert response.status_code == 302
    assert Actor.objects.filter(slug="new-zealand").exists()


def test_a_confirmation_naming_a_file_of_the_servers_is_refused(admin_client, tmp_path):
    fields = confirm_fields(upload(admin_client, "actor", ACTORS))

    for name in ["../../etc/passwd", "passwd", "0" * 32]:
        response = admin_client.post("/admin/commitments/actor/process_import/", {**fields, "import_file_name": name})
        assert response.status_code == 400, name
    assert not Actor.objects.filter(slug="new-zealand").exists()


def test_another_session_cannot_confirm_someone_elses_upload(admin_client, superuser):
    fields = confirm_fields(upload(admin_client, "actor", ACTORS))
    other = Client()
    other.force_login(UserFactory(username="admin2", is_staff=True, is_superuser=True))
    same_user_elsewhere = Client()
    same_user_elsewhere.force_login(superuser)

    assert other.post("/admin/commitments/actor/process_import/", fields).status_code == 400
    assert same_user_elsewhere.post("/admin/commitments/actor/process_import/", fields).status_code == 400
    assert not Actor.objects.filter(slug="new-zealand").exists()
    # The uploader still can.
    assert admin_client.post("/admin/commitments/actor/process_import/", fields).status_code == 302


def test_a_confirmed_upload_cannot_be_replayed(admin_client):
    fields = confirm_fields(upload(admin_client, "actor", ACTORS))
    admin_client.post("/admin/commitments/actor/process_import/", fields)
    Actor.objects.filter(slug="new-zealand").delete()

    assert admin_client.post("/admin/commitments/actor/process_import/", fields).status_code == 400
    assert not Actor.objects.filter(slug="new-zealand").exists()


def test_an_imported_row_is_validated_like_the_form(admin_client):
    rows = "name,slug,kind,parent,role,aliases\nSomewhere,somewhere,planet,,,\n"

    preview = upload(admin_client, "actor", rows)

    assert preview.status_code == 200
    assert "import_file_name" not in preview.content.decode()  # no confirmation offered
    assert "planet" in preview.content.decode() and "is not a valid choice" in preview.content.decode()
    assert not Actor.objects.filter(slug="somewhere").exists()


def test_an_article_with_a_javascript_url_is_refused(admin_client):
    rows = (
        "id,title,url,publisher,author,published_on,kind,body\n"
        ",Leaders agree,javascript:alert(document.cookie),Example News,,2021-06-11,news,The two nations will cooperate.\n"
    )

    preview = upload(admin_client, "article", rows)

    assert preview.status_code == 200
    assert "Enter a valid URL" in preview.content.decode()
    assert "import_file_name" not in preview.content.decode()
    assert not Article.objects.exists()
