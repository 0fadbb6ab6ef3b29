"""The public site: pages, feeds, sitemaps and downloads, all read through the published-only
querysets of `commitments.models`.

- `views` and `urls`: the dashboard, lists, detail pages and the methodology page.
- `filters`: what `/commitments/?…` and the downloads accept.
- `conditional`: ETag and Last-Modified for every page from one query.
- `feeds`, `sitemaps`, `exports`: Atom feeds, sitemap sections, CSV and JSON downloads.
- `marking`: a statement's text with its commitments marked.
"""
