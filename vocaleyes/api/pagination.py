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
