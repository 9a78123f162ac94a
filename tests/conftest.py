"""Shared fixtures: named personas and small factories.

Personas (healthchecks style): ``alice`` and ``bob`` are residents, ``fran`` facilitates for
``organisation``, ``olwen`` is a council officer (staff). Tests assert database state and page
content, not only status codes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.utils import translation

from conversations.models import Conversation
from vocaleyes import celery_app
from vocaleyes.models import Organisation, OrganisationRole, User

PASSWORD = "correct-horse-battery-staple"


def clear_cache() -> None:
    """Empty this test process's cache. On Redis (CI's Postgres run) only its own keys go: the
    test processes share one Redis database, and FLUSHDB would sign another one's people out."""
    backend = caches["default"]  # the backend itself: ``cache`` is a proxy to it
    if isinstance(backend, RedisCache):
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        keys = list(client.scan_iter(match=f"{backend.key_prefix}:*"))
        if keys:
            client.delete(*keys)
    else:
        backend.clear()


def make_user(email: str, name: str, **extra: Any) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, display_name=name, **extra)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice@example.org", "Alice")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob@example.org", "Bob", language="cy")


@pytest.fixture
def olwen(db: None) -> User:
    return make_user("olwen@council.example.org", "Olwen", is_staff=True, is_superuser=True)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(
        slug="swansea",
        name_en="Swansea Council",
        name_cy="Cyngor Abertawe",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
        level=Organisation.Level.LOCAL,
    )


@pytest.fixture
def fran(organisation: Organisation) -> User:
    user = make_user("fran@example.org", "Fran")
    OrganisationRole.objects.create(organisation=organisation, user=user)
    return user


def make_conversation(organisation: Organisation, slug: str = "wellbeing", **extra: Any) -> Conversation:
    values: dict[str, Any] = {
        "title_en": "What would make life better?",
        "title_cy": "Beth fyddai'n gwneud bywyd yn well?",
        "description_en": "Tell us your ideas.",
        "description_cy": "Rhannwch eich syniadau.",
        "status": Conversation.Status.OPEN,
    }
    values.update(extra)
    return Conversation.objects.create(organisation=organisation, slug=slug, **values)


@pytest.fixture
def conversation(organisation: Organisation) -> Conversation:
    return make_conversation(organisation)


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """Each test starts in English: a request to /cy/ leaves Welsh active in the thread, and
    ``reverse()`` in the next test would then build /cy/ URLs (tests that ran after a Welsh
    one in the same process failed only in some orders)."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _celery_mode(request: pytest.FixtureRequest) -> Iterator[None]:
    """Tasks run eagerly in tests, except in tests marked ``worker`` when a broker is configured:
    those go through Redis to the real worker process that CI starts."""
    real_worker = bool(settings.REDIS_URL) and request.node.get_closest_marker("worker") is not None
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = not real_worker
    yield
    celery_app.conf.task_always_eager = previous
