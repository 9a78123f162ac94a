"""The public REST API, version 1 (issue 14), under ``/api/v1/`` (and ``/cy/api/v1/``).

This package holds what every app's API shares; each app keeps its own resources beside its
services (``conversations/api_v1/``, ``budgeting/api_v1.py``, ``timecredits/api_v1.py``) and
its own predicates decide who may do what, exactly as the pages ask them:

- ``authentication``: per-person API tokens (``vocaleyes.models.ApiToken``: stored hashed,
  shown once, named, revoked on the profile page); the browser's session works as well. A token
  carries its person's permissions and nothing more.
- ``pagination``: page-number pagination with a bounded page size, over querysets or over the
  ranking store's windows (``conversations.listing.IdeaWindow``), whose cost does not grow with
  the conversation.
- ``throttling``: the platform's rate limits (``vocaleyes.throttle``) on API writes.
- ``language``: the answer's language, from the ``/cy/`` prefix or ``Accept-Language``.
- ``errors``: one error body everywhere (``{"detail", "code", "fields"}``) in that language.
- ``urls``: the v1 routes, the OpenAPI schema and the docs page.
"""
