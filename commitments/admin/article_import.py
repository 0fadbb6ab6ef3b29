"""The admin's "Import from an article" page, its preview, the review page it leads to, and the one-step evidence link.

Hooked into ArticleAdmin through `ArticleImportMixin` (custom URLs; the Articles, Statements and
Commitments lists link to it from their object tools). The work itself is done by
commitments.ingest; these views only collect input and show the result.

A preview keeps its input in the analyst's own session under a random key, so "Import these
drafts" imports exactly what was previewed without the article travelling through the browser
again, and no one else's preview can be named.
"""

from __future__ import annotations

import base64
import datetime
import secrets

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
from commitments.ingest.related import link_related_commitment, related_matches
from commitments.ingest.writing import DraftsRefused, discard_import, has_placeholder_title, submit_import_for_review
from commitments.models import Article, ArticleLink, Commitment, PublicationState, Quote, Statement, Status


class ArticleImportForm(forms.Form):
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 100}),
        help_text="Paste the article as copied from the page; headers, adverts and author boxes are removed for you.",
    )
    file = forms.FileField(required=False, help_text="Or upload a .txt, .html or .htm file (UTF-8).")
    url = forms.URLField(
        required=False,
        max_length=600,
        assume_scheme="https",
        label="Address (URL)",
        help_text="The article's address, if it has one.",
    )
    publisher = forms.CharField(required=False, max_length=200)
    published_on = forms.DateField(
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD"}),
        help_text="YYYY-MM-DD. Leave empty unless you know it: a date printed in the page header is usually not it.",
    )
    statement = forms.ModelChoiceField(
        queryset=Statement.objects.order_by("-made_on", "title"),
        required=False,
        help_text="Attach the candidates to this statement instead of creating a draft one.",
    )
    # Set by the "Preview" button (the form's other button imports at once).
    dry_run = forms.BooleanField(required=False, widget=forms.HiddenInput)

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
    as_of = forms.DateField(
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD"}),
        help_text="YYYY-MM-DD: when the thing happened.",
    )
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
                "theme_names": [t.name for t in commitment.theme_list],
                "actor_names": [a.name for a in commitment.actor_list],
                "target_wording": commitment.target_wording,
                "target_date": commitment.target_date.isoformat() if commitment.target_date else None,
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
        "article": {
            "id": article.pk,
            "title": article.title,
            "published_on": article.published_on.isoformat() if article.published_on else None,
        },
        "statement": (
            {
                "id": statement.pk,
                "title": statement.title,
                "state": statement.state,
                "made_on": statement.made_on.isoformat(),
                "placeholder": has_placeholder_title(statement, article),
            }
            if statement
            else None
        ),
        "candidates": candidates,
        "quotes": quotes,
        "notes": [],
    }


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


# Previews kept per session: enough for a few tabs, bounded so the session stays small.
PENDING_KEY = "article_import_previews"
PENDING_LIMIT = 3


def keep_preview(request, data: dict) -> str:
    """Keep a previewed import's input in the analyst's session; the key names it on the preview page."""
    key = secrets.token_urlsafe(16)
    pending = dict(request.session.get(PENDING_KEY, {}))
    pending[key] = data
    request.session[PENDING_KEY] = dict(list(pending.items())[-PENDING_LIMIT:])
    return key


def take_preview(request, key: str) -> dict | None:
    """The input kept under `key` in this session, removed from it; None when it is not (or no longer) there."""
    pending = dict(request.session.get(PENDING_KEY, {}))
    data = pending.pop(key, None) if isinstance(key, str) else None
    if data is not None:
        request.session[PENDING_KEY] = pending
    return data


class ArticleImportMixin:
    """Adds the import pages to ArticleAdmin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import-article/", view(self.import_article_view), name="commitments_article_import_article"),
            path(
                "import-article/confirm/",
                view(self.confirm_import_view),
                name="commitments_article_import_confirm",
            ),
            path("<int:pk>/imported/", view(self.review_import_view), name="commitments_article_review_import"),
            path(
                "<int:pk>/imported/submit/",
                view(self.submit_import_view),
                name="commitments_article_submit_import",
            ),
            path(
                "<int:pk>/imported/discard/",
                view(self.discard_import_view),
                name="commitments_article_discard_import",
            ),
            path(
                "<int:pk>/link-related/<int:commitment_pk>/",
                view(self.link_related_view),
                name="commitments_article_link_related",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **extra}

    def _may_import(self, request) -> bool:
        return self.has_add_permission(request) and request.user.has_perm("commitments.add_commitment")

    def _form_page(self, request, form, *, refusal: str = "", status: int = 200):
        return TemplateResponse(
            request,
            "admin/commitments/article/import_form.html",
            self._context(request, title="Import from an article", form=form, refusal=refusal),
            status=status,
        )

    def _run_import(self, request, pending: dict, *, dry_run: bool):
        """Import (or preview) the kept input: the preview page, or a redirect to the review page. Raises ImportRefused."""
        result = import_article(
            data=base64.b64decode(pending["data"]) if pending["filename"] else pending["text"],
            filename=pending["filename"],
            url=pending["url"],
            publisher=pending["publisher"],
            published_on=datetime.date.fromisoformat(pending["published_on"]) if pending["published_on"] else None,
            statement_slug=pending["statement"],
            user=request.user,
            dry_run=dry_run,
            # One web request; larger articles go through `manage.py import_article`.
            time_budget=settings.IMPORT_WEB_SECONDS,
        )
        if result.dry_run:
            return TemplateResponse(
                request,
                "admin/commitments/article/import_result.html",
                self._context(
                    request,
                    title="Import preview: nothing was written yet",
                    result=result.as_dict(),
                    preview_key=keep_preview(request, pending),
                ),
            )
        messages.success(
            request,
            f"Imported “{result.article['title']}”: {plural(len(result.candidates), 'draft commitment')} and "
            f"{plural(sum(1 for q in result.quotes if q['quote_id']), 'quote')} to review.",
        )
        for note in result.notes:
            messages.warning(request, note)
        return redirect("admin:commitments_article_review_import", pk=result.article["id"])

    def import_article_view(self, request):
        if not self._may_import(request):
            raise PermissionDenied
        form = ArticleImportForm(request.POST or None, request.FILES or None)
        if request.method != "POST":
            # "Change the input" on a preview: the form again, filled in with what was previewed.
            kept = request.session.get(PENDING_KEY, {}).get(request.GET.get("preview", ""))
            if kept:
                initial = {key: kept[key] for key in ("text", "url", "publisher", "published_on")}
                statement = Statement.objects.filter(slug=kept["statement"]).first() if kept["statement"] else None
                form = ArticleImportForm(initial={**initial, "statement": statement})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            upload = data.get("file")
            pending = {
                "text": "" if upload else data["text"],
                "data": base64.b64encode(upload.read()).decode("ascii") if upload else "",
                "filename": upload.name if upload else "",
                "url": data["url"],
                "publisher": data["publisher"],
                "published_on": data["published_on"].isoformat() if data["published_on"] else "",
                "statement": data["statement"].slug if data["statement"] else "",
            }
            try:
                return self._run_import(request, pending, dry_run=data["dry_run"] or "preview" in request.POST)
            except ImportRefused as refusal:
                form.add_error(None, str(refusal))
        return self._form_page(request, form)

    def confirm_import_view(self, request):
        """ "Import these drafts" on a preview: import the input kept for it, exactly as previewed."""
        if not self._may_import(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect("admin:commitments_article_import_article")
        pending = take_preview(request, request.POST.get("preview", ""))
        if pending is None:
            refusal = (
                "This preview is no longer available (it was imported already, or the session ended): "
                "paste or upload the article again."
            )
            return self._form_page(request, ArticleImportForm(), refusal=refusal, status=400)
        try:
            return self._run_import(request, pending, dry_run=False)
        except ImportRefused as refusal:
            initial = {key: pending[key] for key in ("text", "url", "publisher", "published_on")}
            return self._form_page(request, ArticleImportForm(initial=initial), refusal=str(refusal))

    def review_import_view(self, request, pk: int, bound: dict | None = None):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        result = review_result(article)
        linked = set(article.links.values_list("commitment_id", flat=True))
        related = []
        for match in related_matches(article.body, exclude=linked):
            commitment = match["commitment"]
            form = (bound or {}).get(commitment.pk) or LinkRelatedForm(
                prefix=f"c{commitment.pk}", initial={"as_of": article.published_on or timezone.localdate()}
            )
            related.append(
                {
                    "slug": commitment.slug,
                    "title": commitment.title,
                    "label": match["label"],
                    "shared": match["shared"],
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

    @staticmethod
    def _after_discard(drafts) -> str:
        if drafts.article_deleted:
            return reverse("admin:commitments_article_import_article")
        return reverse("admin:commitments_article_change", args=[drafts.article.pk])

    def _drafts_step(self, request, pk: int, step, done, then=None):
        """Run one step on all the drafts of an import (submit or discard): all of them, or none and the reasons."""
        review = reverse("admin:commitments_article_review_import", args=[pk])
        if request.method != "POST":
            return redirect(review)
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        try:
            drafts = step(article=article, user=request.user)
        except DraftsRefused as refused:
            messages.error(request, "Nothing was changed. " + " ".join(refused.reasons))
            return redirect(review)
        messages.success(request, done(drafts))
        return redirect(then(drafts) if then else review)

    def submit_import_view(self, request, pk: int):
        def done(drafts) -> str:
            statement = f", with the statement “{drafts.statement}”" if drafts.statement else ""
            return f"Submitted {len(drafts.commitments)} draft commitments for review{statement}."

        return self._drafts_step(request, pk, submit_import_for_review, done)

    def discard_import_view(self, request, pk: int):
        def done(drafts) -> str:
            statement = f", the statement “{drafts.statement}”" if drafts.statement else ""
            if drafts.article_deleted:
                return (
                    f"Discarded {len(drafts.commitments)} draft commitments{statement} and the article, which nothing "
                    "else used: it can be imported again."
                )
            return f"Discarded {len(drafts.commitments)} draft commitments{statement}. The article stays: other records use it."

        return self._drafts_step(request, pk, discard_import, done, then=self._after_discard)

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
