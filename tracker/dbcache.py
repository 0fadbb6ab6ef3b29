"""The cache in a database table (without REDIS_URL), each write one statement on PostgreSQL.

Django's database cache writes an entry in five round trips: it counts the whole table (to cull
it when it is over MAX_ENTRIES), opens a transaction, reads the key, updates or inserts it, and
commits. A cold page writes two or three entries (its count, the lock of the count's computation,
the page itself), so those round trips were a tenth of a cold API list (bench/README.md).

On PostgreSQL this backend writes an entry with one `INSERT … ON CONFLICT` (for `add`, only over
an entry that has expired, so that it stays atomic as the page cache's locks need), and counts the
table to cull it once every CULL_EVERY writes of a process rather than at every write: the table
may then pass MAX_ENTRIES by that many entries per worker before a third of it goes. Reads,
deletes, culling itself and every other database keep Django's implementation.
"""

from __future__ import annotations

import base64
import datetime
import itertools
import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router
from django.utils import timezone

# Writes of a process between two counts of the table.
CULL_EVERY = 100
_writes = itertools.count(1)


class DatabaseCache(DjangoDatabaseCache):
    def _base_set(self, mode: str, key: str, value, timeout=DEFAULT_TIMEOUT) -> bool:
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        if connection.vendor != "postgresql":
            return super()._base_set(mode, key, value, timeout)
        seconds = self.get_backend_timeout(timeout)
        now = timezone.now().replace(microsecond=0)
        if seconds is None:
            expires = datetime.datetime.max.replace(tzinfo=datetime.UTC)
        else:
            expires = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).replace(microsecond=0)
        expires = connection.ops.adapt_datetimefield_value(expires)
        table = connection.ops.quote_name(self._table)
        try:
            with connection.cursor() as cursor:
                if next(_writes) % CULL_EVERY == 0:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    entries = cursor.fetchone()[0]
                    if entries > self._max_entries:
                        self._cull(alias, cursor, now, entries)
                if mode == "touch":
                    cursor.execute(
                        f'UPDATE {table} SET "expires" = %s WHERE "cache_key" = %s AND "expires" >= %s',
                        [expires, key, now],
                    )
                    return cursor.rowcount > 0
                encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
                # add: the key is taken only if it is absent or has expired; set: always.
                over = f' WHERE {table}."expires" < %s' if mode == "add" else ""
                cursor.execute(
                    f'INSERT INTO {table} ("cache_key", "value", "expires") VALUES (%s, %s, %s) '
                    f'ON CONFLICT ("cache_key") DO UPDATE SET "value" = EXCLUDED."value", '
                    f'"expires" = EXCLUDED."expires"{over}',
                    [key, encoded, expires, *([now] if mode == "add" else [])],
                )
                return cursor.rowcount > 0
        except DatabaseError:
            # As Django's: a write that fails (a lost race, a read-only replica) is not an error.
            return False
