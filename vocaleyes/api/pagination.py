"""Page-number pagination with a bounded page size (at most 100 items a page).

Lists of ideas page through ``conversations.listing.IdeaWindow``: the stored ranking order and
its length from the ranking snapshot, so page 500 costs what page 1 does and no request counts or
sorts the whole conversation. Other lists are small (a conversation's rounds, an idea's comments,
a person's statement) and page through their queryset.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    invalid_page_message = _("There is no page {page_number} of this list.")  # type: ignore[assignment]
