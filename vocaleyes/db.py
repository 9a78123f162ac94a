"""ORM queries compiled once, run many times: the one speed trick of the rating request.

On the busiest request (a rating is one small INSERT) Django's query compiler costs more than
the database running the query. ``CompiledQuery`` builds a queryset once per database with
stand-in values (markers, made here from the parameters' types), keeps the SQL Django wrote for
it, and afterwards runs that SQL with the real values in the markers' places. The queryset
itself stays the definition, so rules such as ``Idea.objects.visible()`` are still decided in
one place, and a change to them changes the compiled SQL too.

Rows come back as model instances built the way the ORM builds them (``Model.from_db``), with
the columns not selected deferred, so reading one of those loads it as usual.

Used twice: the rating view's idea (``conversations.views.idea_rate``) and the signed-in person
of every request (``vocaleyes.backends``). Why it stays (issue 10 asked to drop it unless a
target needs it): ``bench/ideas.py --only ratings`` on the 1M-rating conversation, two runs each,
alternating, on the 2-core machine shared with other work (7 December 2026): **with** it 341 and
244 ratings/s through the view, Django CPU 3.3 and 4.1 ms a rating; with the plain ORM and the
default backends **without** it 273 and 182 ratings/s, 5.0 and 5.9 ms. The target is at least
300 ratings/s (while a worker recomputes the ranking): without it the figure misses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models
from django.db.models import QuerySet

_DEFERRED = models.DEFERRED


class CompiledQuery:
    """``CompiledQuery(build, int, str)``: ``build(pk, slug)`` returns a queryset of one model,
    optionally with ``select_related`` relations that are plain foreign keys (one level),
    limited with ``only()``, its parameters used as plain values (not inside a LIKE);
    ``first(pk, slug)`` runs it with those values and returns the first instance or None.
    """

    def __init__(self, build: Callable[..., QuerySet[Any]], *types: type) -> None:
        self._build = build
        self._markers = tuple(_marker(kind, index) for index, kind in enumerate(types))
        self._compiled: dict[str, _Compiled] = {}

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._build(*self._markers)[:1]
        compiler = queryset.query.get_compiler(alias)
        sql, params = compiler.as_sql()
        slots = [self._slot(param) for param in params]
        found = {slot for slot in slots if slot is not None}
        if found != set(range(len(self._markers))):
            raise ValueError("Every marker must appear in the compiled query as a parameter.")
        # Which selected column fills which field of which model, in select order.
        columns = [column for column, _sql, _alias in compiler.select]
        # What turns a database value into the Python one (SQLite's text datetimes into aware
        # datetimes, for example): the compiler's own converters, as a queryset would apply.
        converters = [
            (position, functions, expression)
            for position, (functions, expression) in compiler.get_converters(columns).items()
        ]
        compiled = _Compiled(
            sql, list(params), slots, converters, _Plan.of(queryset.model, queryset.query, columns)
        )
        self._compiled[alias] = compiled
        return compiled

    def _slot(self, param: object) -> int | None:
        for index, marker in enumerate(self._markers):
            if type(param) is type(marker) and param == marker:
                return index
        return None

    def first(self, *values: object, using: str = "default") -> Any | None:
        if len(values) != len(self._markers):
            raise TypeError(f"expected {len(self._markers)} values, got {len(values)}")
        compiled = self._compiled.get(using) or self._compile(using)
        bound = [
            param if slot is None else values[slot]
            for param, slot in zip(compiled.params, compiled.slots, strict=True)
        ]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, bound)  # type: ignore[arg-type]
            fetched = cursor.fetchone()
        if fetched is None:
            return None
        row = list(fetched)
        for position, functions, expression in compiled.converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        return compiled.plan.build(using, row)


def _marker(kind: type, index: int) -> object:
    """A stand-in value of ``kind`` that no real query uses: a negative id no row has, or a
    string with a NUL (Postgres text cannot hold one)."""
    if kind is int:
        return -2_147_483_000 + index
    if kind is str:
        return f"\x00marker-{index}"
    raise TypeError(f"CompiledQuery parameters are int or str, not {kind.__name__}")


class _Compiled:
    __slots__ = ("converters", "params", "plan", "slots", "sql")

    def __init__(
        self,
        sql: str,
        params: list[object],
        slots: list[int | None],
        converters: list[tuple[int, list[Any], Any]],
        plan: _Plan,
    ) -> None:
        self.sql, self.params, self.slots, self.converters, self.plan = sql, params, slots, converters, plan


class _Plan:
    """How a row of selected columns becomes a model instance and its related instances."""

    def __init__(self, model: type[models.Model], positions: dict[str, int]) -> None:
        self.model = model
        self.positions = positions  # attname -> position in the row
        self.related: list[tuple[str, _Plan]] = []

    @classmethod
    def of(cls, model: type[models.Model], query: Any, columns: Sequence[Any]) -> _Plan:
        plans: dict[str, _Plan] = {}
        root = cls(model, {})
        for position, column in enumerate(columns):
            target = getattr(column, "target", None)
            table = getattr(column, "alias", None)
            if target is None or table is None:
                raise ValueError("Only plain columns can be compiled.")
            if target.model._meta.concrete_model is model._meta.concrete_model and table == query.base_table:
                root.positions[target.attname] = position
                continue
            name = _relation_name(model, target.model)
            plan = plans.get(name)
            if plan is None:
                plan = plans[name] = cls(target.model, {})
                root.related.append((name, plan))
            plan.positions[target.attname] = position
        return root

    def build(self, alias: str, row: Sequence[Any]) -> models.Model:
        fields = self.model._meta.concrete_fields
        values = [
            row[self.positions[f.attname]] if f.attname in self.positions else _DEFERRED for f in fields
        ]
        instance = self.model.from_db(
            alias, [f.attname for f in fields if f.attname in self.positions], values
        )
        for name, plan in self.related:
            setattr(instance, name, plan.build(alias, row))
        return instance


def _relation_name(model: type[models.Model], related: type[models.Model]) -> str:
    names = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is related
    ]
    if len(names) != 1:
        raise ValueError(f"{model.__name__} must have exactly one foreign key to {related.__name__}.")
    return names[0]
