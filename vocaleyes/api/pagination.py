"""Page-number pagination with a bounded page size (at most 100 items a page).

Lists of ideas page through ``conversations.listing.IdeaWindow``: the stored ranking order and
its length from the ranking snapshot, so page 500 costs what page 1 does and no request counts or
sorts the whole conversation. Other lists are small (a conversation's rounds, an idea's comments,
a person's statement) and page through their queryset.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = _("There is no page {page_number} of this list.")  # type: ignore[assignment]
    # The schema says ``page`` is a number: ``?page=last`` is not one (DRF would read it).
    last_page_strings = ()

    def get_page_number(self, request: Any, paginator: Any) -> Any:
        """``?page=`` given empty is refused (DRF reads it as page 1): the schema's ``page`` is a
        number, and a client that sends none has made a mistake worth saying."""
        if request.query_params.get(self.page_query_param) == "":
            message = gettext("Give a page number, or leave it out.")
            raise ValidationError({self.page_query_param: [message]})
        return super().get_page_number(request, paginator)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters

    def get_page_size(self, request: Any) -> int:
        """``page_size`` from 1 to 100; anything else is refused (DRF would quietly ignore it)."""
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not text.isdigit() or not 1 <= int(text) <= self.max_page_size:
            message = gettext("Give a whole number from 1 to %(most)d.") % {"most": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(text)
