"""The History page in words: who, when and what, relations included.

A record's versions (django-simple-history) show each field's old → new value, but not its
relations (themes, actors, parties, evidence), which the versions do not hold. The admin's own log
does record every save made in a form: `relation_changes` writes into it what was added and
removed, named, and what the inline rows added (commitments, status updates, article links); the
History page shows both, the versions first.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import HttpRequest
from django.utils.text import get_text_list


def relation_changes(form: forms.ModelForm) -> list[str]:
    """'Themes: added Cyber; removed NATO' for each many-to-many field the form changed."""
    phrases = []
    for name in form.changed_data:
        field = form.fields.get(name)
        if not isinstance(field, forms.ModelMultipleChoiceField) or name not in form.cleaned_data:
            continue
        before = {getattr(o, "pk", o): o for o in form.initial.get(name) or []}
        after = {o.pk: o for o in form.cleaned_data[name] or []}
        added = [str(after[pk]) for pk in after if pk not in before]
        removed = [str(before[pk]) if hasattr(before[pk], "pk") else f"#{pk}" for pk in before if pk not in after]
        parts = []
        if added:
            parts.append(f"added {get_text_list(added, 'and')}")
        if removed:
            parts.append(f"removed {get_text_list(removed, 'and')}")
        if parts:
            phrases.append(f"{field.label or name.capitalize()}: {'; '.join(parts)}")
    return phrases


def change_message(django_message: list, form: forms.ModelForm, notes: list[str]) -> str | list:
    """The admin's log message: Django's own sentence with the relations and notes spelled out."""
    extra = relation_changes(form) + notes
    if not extra:
        return django_message
    sentence = LogEntry(change_message=json.dumps(django_message)).get_change_message() if django_message else ""
    return " ".join(filter(None, [sentence, ". ".join(extra) + "."]))


def note(request: HttpRequest, text: str) -> None:
    """Something a save did beside the form's fields (a status update recorded by a row), for the log."""
    if not hasattr(request, "_tracker_history_notes"):
        request._tracker_history_notes = []
    request._tracker_history_notes.append(text)


def notes_of(request: HttpRequest) -> list[str]:
    return list(getattr(request, "_tracker_history_notes", []))


def log_entries(obj) -> list[LogEntry]:
    """The admin's log of `obj`, newest first, with who made each entry."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return list(
        LogEntry.objects.filter(content_type=content_type, object_id=str(obj.pk))
        .select_related("user")
        .order_by("-action_time", "-id")
    )
