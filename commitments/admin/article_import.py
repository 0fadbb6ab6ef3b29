"""The admin's "Import article" page, the review page it leads to, and the one-step evidence link.

Hooked into ArticleAdmin through `ArticleImportMixin` (custom URLs and a button on the article
list). The work itself is done by commitments.ingest; these views only collect input and show
the result.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from commitments.ingest import ImportRefused, import_article
from commitments.ingest.reading import ACCEPTED_SUFFIXES, max_bytes
from commitments.ingest.related import link_related_commitment, related_commitments
from commitments.models import Article, ArticleLink, Commitment, PublicationState, Quote, Statement, Status


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Paste the article as copied from the page; headers, adverts and author boxes are removed for you.",
    )
    file = forms.FileField(required=False, help_text="Or upload a .txt, .html or .htm file (UTF-8).")
    url = forms.URLField(
        required=False, max_length=600, assume_scheme="https", help_text="The article's address, if it has one."
    )
    publisher = forms.CharField(required=False, max_length=200)
    published_on = forms.DateField(
        required=False,
        help_text="YYYY-MM-DD. Leave empty unless you know it: a date printed in the page header is usually not it.",
    )
    statement = forms.ModelChoiceField(
        queryset=Statement.objects.order_by("-made_on", "title"),
        required=False,
        help_text="Attach the candidates to this statement instead of creating a draft one.",
    )
    dry_run = forms.BooleanField(required=False, label="Preview only", help_text="Show the result; write nothing.")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            if not upload.name.lower().endswith(ACCEPTED_SUFFIXES):
                raise ValidationError("Only .txt, .html and .htm files can be imported.")
            if upload.size > max_bytes():
                raise ValidationError(f"The file is {upload.size} bytes; the import limit is {max_bytes()} bytes.")
        return upload

    def clean(self):
        data = super().clean()
        # An empty or oversized upload already has its own error; do not add a second one.
        if bool(data.get("text", "").strip()) == bool(data.get("file")) and not self.errors:
            raise ValidationError("Paste the article's text or upload a file (one of the two).")
        return data


class LinkRelatedForm(forms.Form):
    relation = forms.ChoiceField(choices=ArticleLink.Relation.choices, initial=ArticleLink.Relation.PROGRESS)
    excerpt = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))
    status = forms.ChoiceField(
        choices=[("", "— link only, no status update —"), *Status.choices],
        required=False,
        help_text="Record a status update with this article as its evidence.",
    )
    as_of = forms.DateField(required=False, help_text="YYYY-MM-DD: when the thing happened.")
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))

    def clean(self):
        data = super().clean()
        if data.get("status"):
            if not data.get("as_of"):
                self.add_error("as_of", "A status update needs the date it holds from.")
            if not (data.get("rationale") or "").strip():
                self.add_error("rationale", "Say why: a status update needs a rationale.")
        return data


def review_result(article: Article) -> dict:
    """The import result, rebuilt from what was stored: the same shape as `ImportResult.as_dict()`."""
    links = (
        article.links.filter(relation=ArticleLink.Relation.REPORTS, commitment__state=PublicationState.DRAFT)
        .select_related("commitment__statement")
        .prefetch_related(
            Prefetch("commitment__themes", to_attr="theme_list"), Prefetch("commitment__actors", to_attr="actor_list")
        )
        .order_by("commitment_id")
    )
    candidates, statement = [], None
    for link in links:
        commitment = link.commitment
        statement = statement or commitment.statement
        candidates.append(
            {
                "text": commitment.wording,
                "title": commitment.title,
                "themes": [t.slug for t in commitment.theme_list],
                "actors": [a.slug for a in commitment.actor_list],
                "commitment_id": commitment.pk,
                "commitment_slug": commitment.slug,
            }
        )
    quotes = [
        {"speaker": q.speaker.name, "speaker_slug": q.speaker.slug, "text": q.text, "quote_id": q.pk}
        for q in Quote.objects.filter(article=article).select_related("speaker").order_by("pk")
    ]
    return {
        "dry_run": False,
        "article": {"id": article.pk, "title": article.title, "published_on": article.published_on},
        "statement": {"id": statement.pk, "title": statement.title, "state": statement.state} if statement else None,
        "candidates": candidates,
        "quotes": quotes,
        "notes": [],
    }


class ArticleImportMixin:
    """Adds the import page to ArticleAdmin."""

    change_list_template = "admin/commitments/article/change_list_with_import.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import-article/", view(self.import_article_view), name="commitments_article_import_article"),
            path("<int:pk>/imported/", view(self.review_import_view), name="commitments_article_review_import"),
            path(
                "<int:pk>/link-related/<int:commitment_pk>/",
                view(self.link_related_view),
                name="commitments_article_link_related",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def import_article_view(self, request):
        if not (self.has_add_permission(request) and request.user.has_perm("commitments.add_commitment")):
            raise PermissionDenied
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data.get("file")
            try:
                result = import_article(
                    data=upload.read() if upload else data["text"],
                    filename=upload.name if upload else "",
                    url=data["url"],
                    publisher=data["publisher"],
                    published_on=data["published_on"],
                    statement_slug=data["statement"].slug if data["statement"] else "",
                    user=request.user,
                    dry_run=data["dry_run"],
                    # One web request; larger articles go through `manage.py import_article`.
                    time_budget=settings.IMPORT_WEB_SECONDS,
                )
            except ImportRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                if result.dry_run:
                    return TemplateResponse(
                        request,
                        "admin/commitments/article/import_result.html",
                        self._context(request, title="Import preview: nothing was written", result=result.as_dict()),
                    )
                messages.success(
                    request,
                    f"Imported “{result.article['title']}”: {len(result.candidates)} draft commitments and "
                    f"{sum(1 for q in result.quotes if q['quote_id'])} quotes to review.",
                )
                for note in result.notes:
                    messages.warning(request, note)
                return redirect("admin:commitments_article_review_import", pk=result.article["id"])
        return TemplateResponse(
            request,
            "admin/commitments/article/import_form.html",
            self._context(request, title="Import article", form=form),
        )

    def review_import_view(self, request, pk: int, bound: dict | None = None):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        result = review_result(article)
        linked = set(article.links.values_list("commitment_id", flat=True))
        related = []
        for commitment, score in related_commitments(article.body, exclude=linked):
            form = (bound or {}).get(commitment.pk) or LinkRelatedForm(
                prefix=f"c{commitment.pk}", initial={"as_of": article.published_on or timezone.localdate()}
            )
            related.append(
                {
                    "slug": commitment.slug,
                    "title": commitment.title,
                    "score": score,
                    "commitment_id": commitment.pk,
                    "form": form,
                }
            )
        result["related_commitments"] = related
        return TemplateResponse(
            request,
            "admin/commitments/article/import_result.html",
            self._context(request, title=f"Review import: {article.title}", result=result, article=article),
        )

    def link_related_view(self, request, pk: int, commitment_pk: int):
        if request.method != "POST":
            return redirect("admin:commitments_article_review_import", pk=pk)
        article = get_object_or_404(Article, pk=pk)
        commitment = get_object_or_404(Commitment, pk=commitment_pk)
        form = LinkRelatedForm(request.POST, prefix=f"c{commitment.pk}")
        if not request.user.has_perm("commitments.add_articlelink"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            if data["status"] and not request.user.has_perm("commitments.add_statusupdate"):
                raise PermissionDenied
            try:
                link_related_commitment(
                    article=article,
                    commitment=commitment,
                    relation=data["relation"],
                    excerpt=data["excerpt"],
                    status=data["status"],
                    as_of=data["as_of"],
                    rationale=data["rationale"],
                    user=request.user,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                done = f"Linked to “{commitment}”" + (
                    f" and recorded a draft status update “{Status(data['status']).label}” as of "
                    f"{data['as_of']:%Y-%m-%d}: it counts once another publisher has reviewed and published it."
                    if data["status"]
                    else "."
                )
                messages.success(request, done)
                return redirect(reverse("admin:commitments_article_review_import", args=[pk]))
        return self.review_import_view(request, pk, bound={commitment.pk: form})
