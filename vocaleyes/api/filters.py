"""django-filter, strict: a filter given with an empty value (``?level=``) is refused with a
message rather than quietly ignored, so that a client's mistake does not pass for "everything"
(and the schema, whose choices do not include the empty string, stays true)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


def refuse_blank(query_params: Any, names: Iterable[str]) -> None:
    """Refuse any of these query parameters given with nothing in it (``?kind=``, ``?kind=%20``),
    which a form or a serializer would read as "not given"; the schema says each takes a value
    (``schema.ApiSchema`` for filters, ``minLength``/``pattern`` or a format for the others)."""
    blank = {
        name: [gettext("Give a value, or leave this filter out.")]
        for name in names
        if name in query_params and not query_params.get(name, "").strip()
    }
    if blank:
        raise ValidationError(blank)


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            refuse_blank(request.query_params, filterset_class.base_filters)
        return super().filter_queryset(request, queryset, view)
