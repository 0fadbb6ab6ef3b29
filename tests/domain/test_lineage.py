"""Lineage: the rules on every save, and the public lineage read for a page of commitments."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import RestrictedError

from commitments.domain.lineage import lineages
from commitments.models import Commitment, PublicationState
from tests.factories import CommitmentFactory, StatementFactory

pytestmark = pytest.mark.django_db

WALES, VILNIUS, HAGUE = datetime.date(2014, 9, 5), datetime.date(2023, 7, 11), datetime.date(2025, 6, 25)


def made_on(day: datetime.date, **kwargs) -> Commitment:
    return CommitmentFactory(statement=StatementFactory(made_on=day), **kwargs)


def chain():
    """Two per cent at Wales, restated at Vilnius, replaced at The Hague."""
    wales = made_on(WALES, title="Spend 2% of GDP on defence")
    vilnius = made_on(VILNIUS, predecessor=wales, predecessor_relation=Commitment.Relation.RESTATES)
    hague = made_on(HAGUE, predecessor=vilnius, predecessor_relation=Commitment.Relation.REPLACES)
    return wales, vilnius, hague


def slugs(line):
    return [row["slug"] for row in line]


def test_it_refuses_a_commitment_as_its_own_predecessor():
    commitment = made_on(WALES)
    commitment.predecessor, commitment.predecessor_relation = commitment, Commitment.Relation.RESTATES
    with pytest.raises(ValidationError) as refusal:
        commitment.full_clean()
    assert "its own predecessor" in str(refusal.value)
    with pytest.raises(ValidationError):
        commitment.save()
    commitment.refresh_from_db()
    assert commitment.predecessor_id is None


def test_it_refuses_a_cycle_on_save_and_in_clean():
    wales, vilnius, hague = chain()
    wales.predecessor, wales.predecessor_relation = hague, Commitment.Relation.RESTATES
    hague.statement.made_on = WALES  # not the date rule: the cycle alone
    hague.statement.save()
    wales.refresh_from_db(fields=["statement"])
    with pytest.raises(ValidationError) as refusal:
        wales.clean()
    assert "circle" in str(refusal.value)
    with pytest.raises(ValidationError):
        wales.save()
    assert Commitment.objects.get(pk=wales.pk).predecessor_id is None


def test_it_refuses_a_predecessor_of_a_later_statement():
    later = made_on(HAGUE)
    earlier = made_on(WALES)
    earlier.predecessor, earlier.predecessor_relation = later, Commitment.Relation.RESTATES
    with pytest.raises(ValidationError) as refusal:
        earlier.save()
    assert "a predecessor comes first" in str(refusal.value)


def test_a_predecessor_of_the_same_day_is_allowed():
    first = made_on(WALES)
    second = made_on(WALES, predecessor=first, predecessor_relation=Commitment.Relation.STRENGTHENS)
    assert second.predecessor == first


def test_a_relation_needs_a_predecessor_and_a_predecessor_a_relation():
    first = made_on(WALES)
    with pytest.raises(ValidationError, match="needs a predecessor"):
        made_on(VILNIUS, predecessor_relation=Commitment.Relation.RESTATES)
    with pytest.raises(ValidationError, match="Say how it relates"):
        made_on(VILNIUS, predecessor=first)


def test_the_database_refuses_a_predecessor_without_relation_written_around_the_models():
    first, second = made_on(WALES), made_on(VILNIUS)
    with pytest.raises(IntegrityError), transaction.atomic():
        Commitment.objects.filter(pk=second.pk).update(predecessor=first)


def test_a_status_sync_does_not_recheck_the_lineage(django_assert_num_queries):
    _, vilnius, _ = chain()
    vilnius._status_sync = True
    # The publication guard's read of the row; the update; its history record. No lineage walk.
    with django_assert_num_queries(3):
        vilnius.save(update_fields=["status", "updated_at"])


def test_the_lineage_is_oldest_first_with_each_relation():
    wales, vilnius, hague = chain()
    for commitment in (wales, vilnius, hague):
        line = lineages([commitment.pk])[commitment.pk]
        assert slugs(line) == [wales.slug, vilnius.slug, hague.slug]
        assert [row["relation"] for row in line] == [None, "restates", "replaces"]


def test_a_commitment_alone_is_its_own_lineage():
    alone = made_on(WALES)
    assert slugs(lineages([alone.pk])[alone.pk]) == [alone.slug]


def test_drafts_never_show_in_a_lineage():
    wales, vilnius, hague = chain()
    Commitment.objects.filter(pk=vilnius.pk).update(state=PublicationState.DRAFT)
    assert slugs(lineages([wales.pk])[wales.pk]) == [wales.slug]
    # The Hague follows a draft: it shows alone, with no relation to what it follows.
    line = lineages([hague.pk])[hague.pk]
    assert slugs(line) == [hague.slug] and line[0]["relation"] is None
    assert vilnius.pk not in lineages([vilnius.pk])


def test_a_commitment_of_an_unpublished_statement_is_left_out():
    wales, vilnius, hague = chain()
    vilnius.statement.state = PublicationState.DRAFT
    vilnius.statement._workflow_move = True
    vilnius.statement.save()
    assert slugs(lineages([wales.pk])[wales.pk]) == [wales.slug]


def test_a_lineage_holds_the_line_and_what_follows_not_the_siblings():
    wales = made_on(WALES)
    restated = made_on(VILNIUS, predecessor=wales, predecessor_relation=Commitment.Relation.RESTATES)
    weakened = made_on(HAGUE, predecessor=wales, predecessor_relation=Commitment.Relation.WEAKENS)
    assert slugs(lineages([wales.pk])[wales.pk]) == [wales.slug, restated.slug, weakened.slug]
    assert slugs(lineages([restated.pk])[restated.pk]) == [wales.slug, restated.slug]


def test_reading_lineages_costs_one_query_per_step_whatever_the_number(django_assert_num_queries):
    # From the latest of each lineage: itself; its predecessor; the first.
    one = [chain()[2]]
    with django_assert_num_queries(3):
        lineages([c.pk for c in one])
    many = [chain()[2] for _ in range(20)]
    with django_assert_num_queries(3):
        found = lineages([c.pk for c in many])
    assert len(found) == 20 and all(len(line) == 3 for line in found.values())


def test_a_predecessor_is_not_deleted_from_under_its_successor_but_a_whole_lineage_is():
    wales, vilnius, hague = chain()
    with pytest.raises(RestrictedError):
        wales.delete()
    Commitment.objects.filter(pk__in=[wales.pk, vilnius.pk, hague.pk]).delete()
    assert not Commitment.objects.exists()
