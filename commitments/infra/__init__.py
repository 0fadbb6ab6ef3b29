"""Plumbing with no tracker rules of its own: the anonymous response cache and cached counts
(`cache`), record addresses reversed once per pattern (`paths`), a FilterSet form helper
(`forms`), and the one CSV cell rule (`spreadsheet`). It imports nothing else of the
app: the models and the rules build on it."""
