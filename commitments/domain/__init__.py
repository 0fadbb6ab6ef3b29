"""The rules over the models, shared by the site, the API, the admin, the import and the data tools.

- `services`: the only writers of what the public sees (status updates and the current status,
  the publication workflow), each in one transaction.
- `lineage`: a commitment's public lineage (predecessors and successors) and its save guard.
- `submissions`: reader submissions received, accepted (an article and a draft update) or rejected.
- `stats`: totals and scores per theme and actor.
- `search`: free-text search over commitments, and the paginator of ranked results.
- `rows`: commitments read as plain rows for the busiest lists.
- `roles`: the editor and publisher groups and their permissions.

Nothing here imports the site, the API or the admin.
"""
