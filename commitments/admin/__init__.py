"""The analysts' admin: registrations, spreadsheet resources, the publication workflow and the
article import. Django's admin autodiscovery imports this package; the registrations module
registers every model."""

from commitments.admin import registrations, site, submissions  # noqa: F401
