"""Lineage and reader submissions in the dataset export and restore."""

import json

import pytest

from commitments.data.dataset import DatasetError, _checksum, export_dataset, import_dataset
from commitments.domain.submissions import receive_submission
from commitments.models import Commitment, PublicationState, ReaderSubmission
from tests.data.test_dataset import wipe
from tests.domain.test_lineage import chain as bare_chain
from tests.factories import ActorFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def chain():
    """The lineage of tests/domain, publishable: a restore checks what publishing would."""
    actor, theme = ActorFactory(), ThemeFactory()
    commitments = bare_chain()
    for commitment in commitments:
        commitment.actors.set([actor])
        commitment.themes.set([theme])
    return commitments


def commitments_of(data: bytes) -> dict[str, dict]:
    return {row["slug"]: row for row in json.loads(data)["records"]["commitments"]}


def test_the_lineage_survives_export_and_restore():
    wales, vilnius, hague = chain()
    data = export_dataset()
    rows = commitments_of(data)
    assert (rows[hague.slug]["predecessor"], rows[hague.slug]["predecessor_relation"]) == (vilnius.pk, "replaces")
    wipe()
    import_dataset(data)
    restored = Commitment.objects.get(slug=hague.slug)
    assert (restored.predecessor.slug, restored.predecessor_relation) == (vilnius.slug, "replaces")
    assert export_dataset() == data


def test_a_restore_refuses_a_lineage_that_breaks_the_rules():
    wales, vilnius, hague = chain()
    document = json.loads(export_dataset())
    first = next(row for row in document["records"]["commitments"] if row["id"] == wales.pk)
    first.update(predecessor=hague.pk, predecessor_relation="restates")  # later, and a circle
    document["checksum"] = _checksum(document["records"])
    wipe()
    with pytest.raises(DatasetError, match="a predecessor comes first"):
        import_dataset(json.dumps(document).encode())
    assert not Commitment.objects.exists()


def test_a_public_export_drops_an_unpublished_predecessor_and_its_relation():
    wales, vilnius, hague = chain()
    Commitment.objects.filter(pk=vilnius.pk).update(state=PublicationState.DRAFT)
    rows = commitments_of(export_dataset(public=True))
    assert vilnius.slug not in rows
    assert (rows[hague.slug]["predecessor"], rows[hague.slug]["predecessor_relation"]) == (None, "")
    assert rows[wales.slug]["predecessor"] is None


def test_reader_submissions_are_never_exported():
    wales, _, _ = chain()
    receive_submission(commitment=wales, url="https://reader.example/tip", note="A private tip", email="me@example.org")
    assert ReaderSubmission.objects.count() == 1
    for data in (export_dataset(public=True), export_dataset()):
        assert b"A private tip" not in data and b"me@example.org" not in data and b"reader.example" not in data
