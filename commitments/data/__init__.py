"""Data in bulk: the curated seed (`seed`), the lossless dataset export and restore (`dataset`),
and reproducible demo data at scale (`demo`, its words in `demo_vocabulary`). Each writes through
the domain services or checks its result against their rules."""
