"""The reader-submission form: new evidence or a correction for a published commitment.

No account and no JavaScript: a plain POST form with Django's CSRF token. What it receives goes
to the analysts' queue (commitments.domain.submissions) and nowhere public. Against abuse: a
honeypot field people never see, a per-address rate in the shared cache (429 with Retry-After),
a bound on the request's size and on each field, and markup stripped from the note. The server
never fetches the address a reader gives: an analyst opens it, with care.
"""

from __future__ import annotations

import math

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.validators import URLValidator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from commitments.domain.submissions import plain_text, receive_submission
from commitments.infra.ratelimit import window_wait
from commitments.models import Actor, Commitment, ReaderSubmission
from commitments.submissions import NOTE_MAX_LENGTH, URL_MAX_LENGTH
from tracker.auth import client_ip

# A form of four short fields is far below this; anything larger is not a person typing.
MAX_BODY_BYTES = 16_384
RATE_PERIOD_SECONDS = 3600
HONEYPOT = "website"


class SuggestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What are you sending?",
        choices=ReaderSubmission.Kind.choices,
        initial=ReaderSubmission.Kind.EVIDENCE,
        widget=forms.RadioSelect,
    )
    url = forms.URLField(
        label="Address of the source",
        max_length=URL_MAX_LENGTH,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="A web address starting with http:// or https://, e.g. an official release or a news report.",
    )
    note = forms.CharField(
        label="Your note",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"What the source shows, or what is wrong on this page. Plain text, up to {NOTE_MAX_LENGTH:,} characters.",
    )
    email = forms.EmailField(
        label="Your e-mail (optional)",
        max_length=254,
        required=False,
        help_text="Only if you want a reply. Never published.",
    )
    on_behalf_of = forms.ModelChoiceField(
        label="Speaking for (optional)",
        queryset=Actor.objects.none(),
        required=False,
        empty_label="No one: I write for myself",
        help_text="If you write for one of the parties to this commitment (right of reply), say which.",
    )
    # People never see it (hidden by the stylesheet); scripts filling every field do.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, commitment: Commitment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on_behalf_of"].queryset = commitment.actors.order_by("name", "id")

    def clean_note(self) -> str:
        note = plain_text(self.cleaned_data["note"])
        if not note:
            raise forms.ValidationError("Write your note as plain text: nothing was left once markup was removed.")
        return note


def _rate_wait(request: HttpRequest) -> int | None:
    """Count this submission against the client's address; the seconds to wait when over the rate."""
    limit = settings.READER_SUBMISSIONS_PER_HOUR
    key = f"tracker:suggest:{client_ip(request) or 'unknown'}"
    wait = window_wait(caches["default"], key, limit, RATE_PERIOD_SECONDS)
    return None if wait is None else max(1, math.ceil(wait))


def _page(request: HttpRequest, commitment: Commitment, form: SuggestForm, *, status: int = 200, **extra):
    context = {"object": commitment, "form": form, "honeypot": HONEYPOT, **extra}
    return render(request, "commitments/suggest.html", context, status=status)


@never_cache  # the page carries a CSRF token: never stored for, or replayed to, another reader
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request: HttpRequest, slug: str) -> HttpResponse:
    commitment = get_object_or_404(Commitment.objects.published().select_related("statement"), slug=slug)
    if request.method != "POST":
        if request.GET.get("sent"):
            return render(request, "commitments/suggest_sent.html", {"object": commitment})
        return _page(request, commitment, SuggestForm(commitment=commitment))

    wait = _rate_wait(request)
    if wait is not None:
        response = _page(
            request,
            commitment,
            SuggestForm(commitment=commitment),
            status=429,
            refusal=f"You have sent several suggestions in a short time. Please try again in {math.ceil(wait / 60)} minutes.",
        )
        response["Retry-After"] = str(wait)
        return response
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = MAX_BODY_BYTES + 1
    if size > MAX_BODY_BYTES:
        return _page(
            request,
            commitment,
            SuggestForm(commitment=commitment),
            status=400,
            refusal="Your suggestion is too long to be sent; shorten the note and try again.",
        )
    form = SuggestForm(request.POST, commitment=commitment)
    if request.POST.get(HONEYPOT):
        # Answered as a success, so a script learns nothing; nothing is kept.
        return HttpResponseRedirect(f"{request.path}?sent=1", status=303)
    if not form.is_valid():
        return _page(request, commitment, form, status=400)
    data = form.cleaned_data
    receive_submission(
        commitment=commitment,
        kind=data["kind"],
        url=data["url"],
        note=data["note"],
        email=data["email"],
        on_behalf_of=data["on_behalf_of"],
    )
    return HttpResponseRedirect(f"{request.path}?sent=1", status=303)
