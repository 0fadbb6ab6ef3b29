"""Public pages. Every queryset here starts from the published-only querysets."""

from django.views.generic import DetailView

from .models import Actor, Commitment, Statement, Theme


class CommitmentDetailView(DetailView):
    queryset = Commitment.objects.published().select_related("statement")


class StatementDetailView(DetailView):
    queryset = Statement.objects.published()


class ThemeDetailView(DetailView):
    model = Theme


class ActorDetailView(DetailView):
    model = Actor
