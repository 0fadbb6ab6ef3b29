import datetime

import factory
from django.contrib.auth import get_user_model

from commitments.domain.services import change_state, record_status_update
from commitments.models import (
    RATED_STATUSES,
    Actor,
    Article,
    ArticleLink,
    Commitment,
    PublicationState,
    Quote,
    Statement,
    StatusUpdate,
    Theme,
)


class InStateFactory(factory.django.DjangoModelFactory):
    """Test data arrives in the publication state a test asks for, as if it had been reviewed.

    The services refuse a new record that is not a draft (commitments.domain.services guards);
    factories stand for records that went through review before the test began.
    """

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        obj = model_class(*args, **kwargs)
        obj._workflow_move = obj._status_sync = True
        obj.save()
        return obj


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"analyst{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    keywords = "keyword"


class ActorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.Sequence(lambda n: f"country-{n}")
    kind = Actor.Kind.COUNTRY


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Leaders agree steps, report {n}")
    url = factory.Sequence(lambda n: f"https://news.example.org/{n}")
    publisher = "Example News"
    published_on = datetime.date(2021, 6, 11)
    body = factory.Sequence(lambda n: f"Article body number {n}. The two nations will cooperate.")


class StatementFactory(InStateFactory):
    class Meta:
        model = Statement

    title = factory.Sequence(lambda n: f"Joint statement {n}")
    slug = factory.Sequence(lambda n: f"joint-statement-{n}")
    made_on = datetime.date(2021, 6, 10)
    state = PublicationState.PUBLISHED


class CommitmentFactory(InStateFactory):
    class Meta:
        model = Commitment
        skip_postgeneration_save = True

    statement = factory.SubFactory(StatementFactory)
    title = factory.Sequence(lambda n: f"Commitment {n}")
    slug = factory.Sequence(lambda n: f"commitment-{n}")
    wording = "Both nations will work together."
    state = PublicationState.PUBLISHED

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def actors(self, create, extracted, **kwargs):
        if create and extracted:
            self.actors.set(extracted)


class ArticleLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleLink

    commitment = factory.SubFactory(CommitmentFactory)
    article = factory.SubFactory(ArticleFactory)


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    speaker = factory.SubFactory(ActorFactory, kind=Actor.Kind.PERSON)
    text = "We will work together."
    statement = factory.SubFactory(StatementFactory)


class StaffFactory(UserFactory):
    """A staff user; StaffFactory(groups=["Editors"]) puts them in the named groups."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            from django.contrib.auth.models import Group

            self.groups.set(Group.objects.filter(name__in=extracted))


def verdict(
    *,
    commitment: Commitment,
    status: str,
    as_of: datetime.date,
    rationale: str = "Checked against the evidence.",
    articles=None,
    author=None,
    party: Actor | None = None,
    corrects: StatusUpdate | None = None,
    state: str = PublicationState.PUBLISHED,
) -> StatusUpdate:
    """A status update recorded through the service and taken through review to `state`.

    A rated verdict with no articles given gets one evidence article, as publishing requires.
    """
    if articles is None:
        articles = [ArticleFactory()] if status in RATED_STATUSES else []
    update = record_status_update(
        commitment=commitment,
        status=status,
        as_of=as_of,
        rationale=rationale,
        articles=articles,
        author=author,
        party=party,
        corrects=corrects,
    )
    for step in {
        PublicationState.DRAFT: [],
        PublicationState.REVIEW: [PublicationState.REVIEW],
        PublicationState.PUBLISHED: [PublicationState.REVIEW, PublicationState.PUBLISHED],
    }[state]:
        change_state(obj=update, state=step, user=None, reason="test data", system=True)
    update.refresh_from_db()
    return update
