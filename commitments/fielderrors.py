"""Broken model rules, explained in words at the field they concern.

Django reports a failed constraint as "Constraint “commitment_amount_needs_currency” is
violated." at the top of a form. `FieldErrorsMixin` (a base of the models) puts each named
constraint's own message at its field, and a duplicate (a unique field or constraint) names the
record that already holds the value, with a link to it in the admin.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import router
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html


def admin_link(obj) -> str:
    """“Title”, linked to the record's admin page where there is one."""
    try:
        url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return f"“{obj}”"
    return format_html('<a href="{}">“{}”</a>', url, obj)


def existing(obj, **lookup):
    return type(obj)._default_manager.filter(**lookup).exclude(pk=obj.pk).first()


def _url_taken(obj) -> str:
    other = existing(obj, url=obj.url)
    return format_html("An article with this address is already recorded: {}. Use that one.", admin_link(other))


def _text_taken(obj) -> str:
    other = existing(obj, content_hash=obj.content_hash)
    return format_html("The same text is already recorded as the article {}. Use that one.", admin_link(other))


def _link_taken(obj) -> str:
    other = existing(obj, commitment_id=obj.commitment_id, article_id=obj.article_id)
    return format_html("This article is already linked to this commitment: {}. Edit that link.", admin_link(other))


# constraint name → (field, message for the record that breaks it)
CONSTRAINT_MESSAGES: dict[str, tuple[str, Callable[[object], str]]] = {
    "commitment_amount_needs_currency": (
        "currency",
        lambda obj: f"An amount needs its currency: give the ISO 4217 code, e.g. GBP, USD or EUR, for {obj.amount}.",
    ),
    "commitment_status_valid": ("status", lambda obj: f"“{obj.status}” is not one of the tracker's statuses."),
    "statusupdate_status_valid": ("status", lambda obj: f"“{obj.status}” is not one of the tracker's statuses."),
    "statusupdate_not_its_own_correction": ("corrects", lambda obj: "A status update cannot correct itself."),
    "article_url_unique_when_present": ("url", _url_taken),
    "article_content_hash_unique_when_present": ("body", _text_taken),
    "articlelink_unique_per_pair": ("article", _link_taken),
}

FIELD_NAMES = {"slug": "address name (slug)", "name": "name", "url": "address"}

CURRENCY = re.compile(r"[A-Z]{3}")


class FieldErrorsMixin:
    """For the tracker's models: constraint messages at their fields, duplicates with a link."""

    def clean(self):
        super().clean()
        currency = getattr(self, "currency", None)
        if currency and not CURRENCY.fullmatch(currency):
            raise ValidationError(
                {"currency": f"“{currency}” is not a currency code: use three capital letters (ISO 4217), e.g. GBP."}
            )

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        using = router.db_for_write(type(self), instance=self)
        errors: dict[str, list] = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    explained = CONSTRAINT_MESSAGES.get(constraint.name)
                    if explained is None:
                        errors = error.update_error_dict(errors)
                        continue
                    field, message = explained
                    # A field the form does not show cannot carry the error: the form's top does.
                    at = NON_FIELD_ERRORS if field in exclude else field
                    errors.setdefault(at, []).append(ValidationError(message(self), code="constraint"))
        if errors:
            raise ValidationError(errors)

    def unique_error_message(self, model_class, unique_check):
        if len(unique_check) == 1:
            field = unique_check[0]
            other = existing(self, **{field: getattr(self, field)})
            if other is not None:
                label = FIELD_NAMES.get(field, self._meta.get_field(field).verbose_name)
                return ValidationError(
                    format_html(
                        "The {} “{}” is already used by the {} {}; choose another.",
                        label,
                        getattr(self, field),
                        other._meta.verbose_name,
                        admin_link(other),
                    ),
                    code="unique",
                )
        return super().unique_error_message(model_class, unique_check)
