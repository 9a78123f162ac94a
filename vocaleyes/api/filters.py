"""django-filter, strict: a filter given with an empty value (``?level=``) is refused with a
message rather than quietly ignored, so that a client's mistake does not pass for "everything"
(and the schema, whose choices do not include the empty string, stays true)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = {
                name: [gettext("Give a value, or leave this filter out.")]
                for name in filterset_class.base_filters
                if name in request.query_params and not request.query_params.get(name, "").strip()
            }
            if empty:
                raise ValidationError(empty)
        return super().filter_queryset(request, queryset, view)
