"""Officers see permission names in the page's language in the admin's permission pickers."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import translation

from vocaleyes.models import User
from vocaleyes.permission_names import permission_label, permission_name


def idea_permission(action: str) -> Permission:
    return Permission.objects.get(content_type__app_label="conversations", codename=f"{action}_idea")


def test_default_permissions_are_named_in_welsh(db: None) -> None:
    with translation.override("cy"):
        names = [permission_name(idea_permission(a)) for a in ("add", "change", "delete", "view")]
    assert names == [
        "Gall ychwanegu syniad",
        "Gall newid syniad",
        "Gall ddileu syniad",
        "Gall weld syniad",
    ]


def test_english_names_match_what_django_stores(db: None) -> None:
    with translation.override("en"):
        for permission in Permission.objects.select_related("content_type"):
            assert permission_name(permission) == permission.name


def test_label_names_app_and_model_in_the_language(db: None) -> None:
    with translation.override("cy"):
        label = permission_label(idea_permission("add"))
    assert label.endswith("| syniad | Gall ychwanegu syniad")
    assert "idea" not in label


def test_user_change_page_lists_welsh_permission_names(client: Client, olwen: User, bob: User) -> None:
    client.force_login(olwen)
    welsh = client.get(f"/cy/admin/vocaleyes/user/{bob.pk}/change/").content.decode()
    assert "Gall ychwanegu syniad" in welsh
    assert "Gall weld syniad" in welsh
    assert "Can add idea" not in welsh

    english = client.get(f"/admin/vocaleyes/user/{bob.pk}/change/").content.decode()
    assert "Can add idea" in english
    assert "Gall ychwanegu syniad" not in english


def test_group_change_page_lists_welsh_permission_names(client: Client, olwen: User) -> None:
    group = Group.objects.create(name="Moderators")
    group.permissions.add(idea_permission("change"))
    client.force_login(olwen)
    welsh = client.get(f"/cy/admin/auth/group/{group.pk}/change/").content.decode()
    assert "Gall newid syniad" in welsh
    assert "Can change idea" not in welsh
    english = client.get(f"/admin/auth/group/{group.pk}/change/").content.decode()
    assert "Can change idea" in english


def test_choices_still_submit_the_permission_ids(client: Client, olwen: User) -> None:
    group = Group.objects.create(name="Readers")
    view = idea_permission("view")
    client.force_login(olwen)
    response = client.post(
        f"/cy/admin/auth/group/{group.pk}/change/",
        {"name": "Readers", "permissions": [view.pk]},
    )
    assert response.status_code == 302
    assert list(group.permissions.all()) == [view]
