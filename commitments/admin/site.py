"""The admin site's own pages, adapted to the analysts' work: the autocomplete that ranks by name
(lookups.py) and the editorial front page as the admin's index (desk.py).

The project keeps Django's default site (tracker/urls.py names it); its views are replaced here,
before the site's URLs are built.
"""

from __future__ import annotations

from django.contrib import admin

from commitments.admin.desk import desk_context
from commitments.admin.lookups import RankedAutocompleteView

site = admin.site
_django_index = site.index


def autocomplete_view(request):
    return RankedAutocompleteView.as_view(admin_site=site)(request)


def index(request, extra_context=None):
    return _django_index(request, {**desk_context(request), **(extra_context or {})})


site.autocomplete_view = autocomplete_view
site.index = index
site.index_template = "admin/commitments/desk.html"
