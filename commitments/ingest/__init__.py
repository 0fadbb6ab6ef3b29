"""Article import: from a pasted or uploaded article to draft commitments, quotes and evidence links.

The pipeline is a row of plain functions, one module per step, each testable alone:

1. `reading`: decode the input, refuse what cannot be an article (size, binary, encoding).
2. `normalising` and `cleaning`: reflow wrapped lines, keep list items apart, drop page numbers,
   running headers, footnotes and page furniture from plain text (`clean_text`) or HTML
   (`extract_html`), listing every line removed with its reason.
3. `metadata`: title, publisher, author and dates, each marked given, found, guessed or missing.
4. `sentences`: paragraphs into sentences.
5. `detection`: the sentences in which an actor pledges, agrees, commits, intends or says it will
   do something (`find_candidates`), with a title, target wording and amount.
6. `vocabulary` and `quotes`: themes, actors and quotes to suggest.
7. `related`: published commitments the article probably reports on.

`analysis.analyse` runs steps 2 to 6 on decoded text without the database. `writing.import_article`
runs them all in one transaction and writes the article, a draft statement, draft commitments with
their article links, and the quotes. Nothing it creates is published: the analyst reviews the
drafts in the admin. `related.link_related_commitment` turns a related-commitment suggestion into an article
link and a status update in one step.
"""

from .analysis import analyse
from .reading import ImportRefused
from .writing import import_article

__all__ = ["ImportRefused", "analyse", "import_article"]
