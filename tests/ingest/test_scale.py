"""What keeps a large article linear: quotes found by bisection, terms skipped when absent."""

from commitments.ingest.analysis import QuoteIndex
from commitments.ingest.quotes import FoundQuote
from commitments.ingest.sentences import split_sentences
from commitments.ingest.vocabulary import Vocabulary


def test_the_quote_index_finds_the_quote_a_sentence_lies_in():
    paragraph = "Before. “We will fund the vessel,” she said. Between. “We will close the grounds,” he said. After."
    first, second = paragraph.index("We will fund"), paragraph.index("We will close")
    quotes = [
        FoundQuote("We will fund the vessel", "she", spans=[(0, first, first + 23)]),
        FoundQuote("We will close the grounds", "he", spans=[(0, second, second + 25)]),
    ]
    index = QuoteIndex(quotes)
    found = {s.text: index.sentence(s) for s in split_sentences([paragraph + " It is late now, said the clerk."])}
    assert found["“We will fund the vessel,” she said."] is quotes[0]
    assert found["“We will close the grounds,” he said."] is quotes[1]
    assert found["It is late now, said the clerk."] is None


def test_a_vocabulary_within_a_text_keeps_only_the_terms_it_can_contain():
    vocabulary = Vocabulary.from_terms(
        themes={"fish": ["fish stocks"], "ports": ["harbours"]},
        actors={"norway": {"name": "Norway", "kind": "country"}, "iceland": {"name": "Iceland", "kind": "country"}},
    )
    within = vocabulary.within("Norway will protect the fish stocks.")
    assert [t.slug for t in within.themes] == ["fish"]
    assert [t.slug for t in within.actors] == ["norway"]
    assert within.themes_in("Norway will protect the fish stocks.") == ["fish"]
