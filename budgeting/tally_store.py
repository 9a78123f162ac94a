"""The one place budgeting reads the database with SQL of its own: a round's ballots for a count.

:func:`fetch_votes` returns the number of ballots in a round and (ballot id, project id,
points) for every vote, as numpy arrays, in one query from the votes' ``(round, ballot)``
index. On Postgres the rows are packed server-side into one ``bytea`` of fixed-width records
that numpy reads in place, so no Python object is made per vote; elsewhere (SQLite in tests)
an ordinary cursor reads the same rows. Table names come from the models' ``_meta``.

Why not the ORM: the count of a city-scale round (``bench/pb_tally.py``: 40,000 ballots,
400,000 votes, Postgres) loads its ballots through here in about 0.1-0.4 s depending on the
machine's load, of a whole count (load, both rules, both outcomes stored) of 0.48 s median on
a quiet machine (README, Participatory budgeting rules). The same rows through
``Vote.objects.values_list(...)`` make a Python tuple per vote and take several times as
long (figures in the commit that moved this here).
"""

from __future__ import annotations

import numpy as np
from django.db import connection

from .models import Ballot, Vote

# Postgres: the ballot count and every vote packed server-side into one bytea of fixed-width
# big-endian records (ballot int8, project int8, points int4), read by numpy without a Python
# object per vote.
_POSTGRES_SQL = (
    "SELECT (SELECT COUNT(*) FROM {ballot} WHERE round_id = %s), "
    "string_agg(int8send(ballot_id) || int8send(project_id) || int4send(points), ''::bytea) "
    "FROM {vote} WHERE round_id = %s"
)
_RECORD = np.dtype([("ballot", ">i8"), ("project", ">i8"), ("points", ">i4")])
# Elsewhere: the count as a first row marked by a ballot id of -1, then one row per vote.
_PORTABLE_SQL = (
    "SELECT -1, COUNT(*), 0 FROM {ballot} WHERE round_id = %s "
    "UNION ALL SELECT ballot_id, project_id, points FROM {vote} WHERE round_id = %s"
)


def fetch_votes(round_id: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """The number of ballots in the round, and (ballot id, project id, points) for every vote."""
    tables = {"ballot": Ballot._meta.db_table, "vote": Vote._meta.db_table}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_POSTGRES_SQL.format(**tables), [round_id, round_id])
            count, packed = cursor.fetchone()
            rows = np.frombuffer(packed or b"", dtype=_RECORD)
            return (
                int(count),
                rows["ballot"].astype(np.int64),
                rows["project"].astype(np.int64),
                rows["points"].astype(np.int64),
            )
        cursor.execute(_PORTABLE_SQL.format(**tables), [round_id, round_id])
        data = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)
    marker = int(np.flatnonzero(data[:, 0] == -1)[0])
    count = int(data[marker, 1])
    data = np.delete(data, marker, axis=0)
    return count, data[:, 0], data[:, 1], data[:, 2]
