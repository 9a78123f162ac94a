"""Authentication backends: Django's (the admin) and allauth's (sign in by email), each finding
the signed-in person of every request with a query compiled once (``vocaleyes.db``).

``get_user`` runs on every request of a signed-in person, and compiling ``User.objects.get(pk=…)``
cost more than the database answering it; what it returns and when (inactive people get None)
is unchanged. They exist for that alone: the figure that keeps them is in ``vocaleyes.db``.
"""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from .db import CompiledQuery
from .models import User

_PERSON = CompiledQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), int)


def _get_user(backend: DjangoModelBackend, user_id: Any) -> Any:
    """``ModelBackend.get_user``, with the query compiled once."""
    user: User | None = _PERSON.first(user_id)
    if user is None or not backend.user_can_authenticate(user):
        return None
    return user


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> Any:
        return _get_user(self, user_id)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> Any:
        return _get_user(self, user_id)
