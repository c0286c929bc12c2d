"""Appending many rows at once (imports, index rebuilds): the fast path of each database.

``bulk_create`` prepares every value of every row through the model fields, which at
province scale (460,000 enterprises, millions of search terms) costs more than the
database does. These helpers take values that are already plain (str, int, date,
datetime, None), adapt the few types the backend needs once per column, and write
them with PostgreSQL's COPY or a parameterised ``executemany`` on SQLite. They run
inside the caller's transaction and record no audit entry: the service calling them
records one for the whole operation.
"""

from collections.abc import Iterable

from django.db import connection, models

IN_LIMIT = 900  # values per IN (...), under SQLite's 999-parameter floor


def chunks(values):
    """Slices of ``values`` small enough for one ``IN (...)`` on every supported database."""
    values = list(values)
    for i in range(0, len(values), IN_LIMIT):
        yield values[i:i + IN_LIMIT]


def rows_in(qs, field: str, values):
    """The rows of ``qs`` (objects, or tuples after ``values_list``) whose ``field`` is one
    of ``values``, however many: one query per chunk."""
    for part in chunks(values):
        yield from qs.filter(**{f"{field}__in": part})


def delete_in(qs, field: str, values) -> None:
    """Delete the rows of ``qs`` whose ``field`` is one of ``values``, chunk by chunk."""
    for part in chunks(values):
        qs.filter(**{f"{field}__in": part}).delete()


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model, fields: list[str], rows: Iterable[tuple], *, batch: int = 5000) -> int:
    """Append ``rows`` (tuples of plain values in the order of ``fields``) to ``model``'s table.

    ``fields`` are field names (``region`` or ``region_id`` for a foreign key's id).
    Returns the number of rows written.
    """
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]  # a field name or its attname (region_id)
    adapters = [(i, fn) for i, fn in enumerate(_adapter(f) for f in columns) if fn is not None]
    table = connection.ops.quote_name(meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)

    def adapted(rows):
        for row in rows:
            if adapters:
                row = list(row)
                for i, fn in adapters:
                    if row[i] is not None:
                        row[i] = fn(row[i])
            yield row

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in adapted(rows):
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
        pending: list = []
        for row in adapted(rows):
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count

