"""Reader submissions: evidence or corrections proposed by the public, waiting for an analyst.

A submission is never public. It is read in the admin's moderation queue, where an analyst
accepts it (commitments.domain.submissions.accept_submission turns it into an article and a
draft status update, which then go through review like any other) or rejects it with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# Size limits of the public form (commitments/site/suggest.py) and of the stored record.
NOTE_MAX_LENGTH = 2000
URL_MAX_LENGTH = 600


class ReaderSubmission(models.Model):
    class Kind(models.TextChoices):
        EVIDENCE = "evidence", "New evidence"
        CORRECTION = "correction", "A correction"

    class Decision(models.TextChoices):
        NEW = "new", "New"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    commitment = models.ForeignKey(
        "commitments.Commitment", on_delete=models.CASCADE, related_name="reader_submissions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.EVIDENCE)
    url = models.URLField(
        max_length=URL_MAX_LENGTH,
        help_text="The address the reader gave. Never fetched by the tracker: open it yourself with care.",
    )
    note = models.TextField(max_length=NOTE_MAX_LENGTH, help_text="The reader's note, as plain text.")
    email = models.EmailField(blank=True, help_text="Optional; only for replying. Never shown publicly.")
    on_behalf_of = models.ForeignKey(
        "commitments.Actor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The party the sender says they speak for (right of reply). Not verified.",
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.NEW, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    reason = models.TextField(blank=True, help_text="Why it was accepted or rejected, for the other analysts.")
    # What accepting it made: the article and the draft status update.
    article = models.ForeignKey(
        "commitments.Article", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    status_update = models.ForeignKey(
        "commitments.StatusUpdate", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="new") | (Q(decided_at__isnull=False) & ~Q(reason="")),
                name="readersubmission_decided_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.commitment} ({self.get_decision_display().lower()})"
