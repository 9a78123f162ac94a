"""Writes on the ground floor: target groups and the groups people say they belong to.

Demographic answers are private. A person declares their groups on their profile only with
consent (``groups_declare``); withdrawing (``groups_withdraw``) deletes every self-declared answer
and keeps only the time of the withdrawal. Memberships through an invitation are not answers the
person gave about themselves and stay. Officers import an organisation's groups and their sizes
in the population from a CSV file (``target_groups_import_csv``): all rows or none.

Invitations (``invitation_create``, ``invitation_revoke``, ``invitation_accept``) let people join
a group through a link: a signed token (``invitation_token``) of the invitation's id and secret.
Accepting locks the invitation's row, so two people cannot both take its last use.

API tokens (``api_token_create``, ``api_token_revoke``): see ``vocaleyes.api.authentication``.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Refusal
from .models import (
    ApiToken,
    DemographicConsent,
    GroupInvitation,
    GroupMembership,
    Organisation,
    TargetGroup,
    User,
    token_digest,
)
from .permissions import check_not_suspended, is_facilitator, is_officer, is_suspended, suspension_message

CSV_COLUMNS = ["name_en", "name_cy", "kind", "population_size", "population_source"]


class ImportRefusal(Refusal):
    """A CSV file with problems: ``problems`` lists each one with its line number, so the
    officer can correct them all at once."""

    def __init__(self, message: str, *, problems: list[str]) -> None:
        super().__init__(message, field="file")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def groups_declare(*, user: User, groups: Iterable[TargetGroup], consent: bool) -> list[GroupMembership]:
    """Make ``groups`` the person's self-declared groups, with their consent recorded.

    Groups the person declared before and no longer chooses are deleted; memberships through an
    invitation stay as they are."""
    if is_suspended(user):
        raise Refusal(suspension_message(user), forbidden=True)
    if not consent:
        raise Refusal(
            _("Tick the box to agree that we keep the groups you choose."),
            field="consent",
        )
    chosen = list(groups)
    if any(not group.self_declarable for group in chosen):
        raise Refusal(
            _("Some of these groups can only be joined through an invitation. Choose from the list."),
            field="groups",
        )
    now = timezone.now()
    with transaction.atomic():
        # Locked so that a declaration and a withdrawal made together end in a known order.
        User.objects.select_for_update().get(pk=user.pk)
        DemographicConsent.objects.update_or_create(
            user=user, defaults={"given_at": now, "withdrawn_at": None}
        )
        mine = GroupMembership.objects.filter(user=user)
        mine.filter(how=GroupMembership.How.SELF_DECLARED).exclude(group__in=chosen).delete()
        already = set(mine.filter(group__in=chosen).values_list("group_id", flat=True))
        GroupMembership.objects.bulk_create(
            GroupMembership(user=user, group=group, how=GroupMembership.How.SELF_DECLARED, consented_at=now)
            for group in chosen
            if group.pk not in already
        )
        return list(mine.filter(group__in=chosen).select_related("group"))


def groups_withdraw(*, user: User) -> int:
    """Withdraw consent: delete all of the person's self-declared groups and record only when.
    Returns how many answers were deleted. A suspended person may withdraw too."""
    now = timezone.now()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        deleted, _by_model = GroupMembership.objects.filter(
            user=user, how=GroupMembership.How.SELF_DECLARED
        ).delete()
        DemographicConsent.objects.update_or_create(
            user=user, defaults={"given_at": None, "withdrawn_at": now}
        )
    return deleted


def _read_text(file: IO[Any]) -> str:
    content = file.read()
    if isinstance(content, bytes):
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refusal(_("Save the file as CSV in UTF-8 and upload it again."), field="file") from None
    return str(content).removeprefix("\ufeff")


def _kind(value: str) -> str | None:
    value = value.strip()
    for code, label in TargetGroup.Kind.choices:
        if value.lower() in (code, str(label).lower()):
            return code
    return None


def _check_row(row: dict[str, str], line: int, seen: set[str]) -> tuple[list[str], dict[str, Any]]:
    problems: list[str] = []
    name_en = (row.get("name_en") or "").strip()
    name_cy = (row.get("name_cy") or "").strip()
    source = (row.get("population_source") or "").strip()
    size_text = (row.get("population_size") or "").strip().replace(",", "")
    where = {"line": line}
    if not name_en:
        problems.append(_("Line %(line)s: the English name is missing.") % where)
    elif name_en.lower() in seen:
        problems.append(
            _("Line %(line)s: the group “%(name)s” appears twice in the file.") % {**where, "name": name_en}
        )
    seen.add(name_en.lower())
    if len(name_en) > 200 or len(name_cy) > 200 or len(source) > 200:
        problems.append(_("Line %(line)s: names and sources can be at most 200 characters.") % where)
    kind = _kind(row.get("kind") or "")
    if kind is None:
        choices = ", ".join(code for code, _label in TargetGroup.Kind.choices)
        problems.append(
            _("Line %(line)s: the kind must be one of %(choices)s.") % {**where, "choices": choices}
        )
    size: int | None = None
    if size_text:
        if size_text.isdigit() and int(size_text) > 0:
            size = int(size_text)
        else:
            problems.append(_("Line %(line)s: the population size must be a whole number above 0.") % where)
    elif source:
        problems.append(_("Line %(line)s: a source is given without a population size.") % where)
    values = {"name_en": name_en, "name_cy": name_cy, "kind": kind, "size": size, "source": source}
    return problems, values


def target_groups_import_csv(*, organisation: Organisation, file: IO[Any], officer: User) -> ImportResult:
    """Create an organisation's target groups from a CSV file with the columns ``CSV_COLUMNS``.

    Every row must be valid or nothing is written; every problem is listed with its line number.
    A group whose English name the organisation already has gets the new size and source."""
    check_not_suspended(officer)
    if not is_officer(officer):
        raise Refusal(_("Only council officers can import target groups."), forbidden=True)
    reader = csv.DictReader(io.StringIO(_read_text(file)))
    header = [name.strip() for name in reader.fieldnames or []]
    if header != CSV_COLUMNS:
        raise ImportRefusal(
            _("The file could not be imported."),
            problems=[_("Line 1: the columns must be %(columns)s.") % {"columns": ",".join(CSV_COLUMNS)}],
        )
    reader.fieldnames = header
    problems: list[str] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in reader:
        row_problems, values = _check_row(row, reader.line_num, seen)
        problems += row_problems
        rows.append(values)
    if not rows and not problems:
        problems.append(_("Line 2: the file has no groups in it."))
    if problems:
        raise ImportRefusal(
            _("Nothing was imported: correct these problems and upload the file again."), problems=problems
        )
    created = updated = 0
    with transaction.atomic():
        existing = {
            group.name_en.lower(): group
            for group in TargetGroup.objects.select_for_update().filter(organisation=organisation)
        }
        for values in rows:
            group = existing.get(values["name_en"].lower())
            if group is None:
                TargetGroup.objects.create(
                    organisation=organisation,
                    name_en=values["name_en"],
                    name_cy=values["name_cy"],
                    kind=values["kind"],
                    population_size=values["size"],
                    population_source=values["source"],
                )
                created += 1
            else:
                group.population_size = values["size"]
                group.population_source = values["source"]
                group.save(update_fields=["population_size", "population_source"])
                updated += 1
    return ImportResult(created=created, updated=updated)


INVITATION_SALT = "vocaleyes.group-invitation"


def invitation_token(invitation: GroupInvitation) -> str:
    """The token in the invitation's link: its id and secret, signed (URL-safe). No timestamp:
    the expiry is on the row, so the link stays the same for as long as the invitation lives."""
    return signing.Signer(salt=INVITATION_SALT).sign_object([invitation.pk, invitation.secret])


def can_invite(user: User, group: TargetGroup) -> bool:
    """Officers, and the facilitators of the group's organisation, create and revoke invitations
    (not while suspended)."""
    return (is_officer(user) or is_facilitator(user, group.organisation_id)) and not is_suspended(user)


def invitation_check_terms(*, expires_at: datetime, max_uses: int) -> None:
    """An invitation lets at least one person join, and expires in the future."""
    if max_uses < 1:
        raise Refusal(_("An invitation must let at least one person join."), field="max_uses")
    if expires_at <= timezone.now():
        raise Refusal(_("Choose an expiry time in the future."), field="expires_at")


def invitation_create(
    *, group: TargetGroup, by: User, expires_at: datetime, max_uses: int
) -> GroupInvitation:
    check_not_suspended(by)
    if not can_invite(by, group):
        raise Refusal(
            _("Only council officers and the organisation's facilitators can invite people to this group."),
            forbidden=True,
        )
    invitation_check_terms(expires_at=expires_at, max_uses=max_uses)
    return GroupInvitation.objects.create(
        group=group, created_by=by, expires_at=expires_at, max_uses=max_uses, secret=secrets.token_urlsafe(24)
    )


def invitation_revoke(*, invitation: GroupInvitation, by: User) -> GroupInvitation:
    """Stop the link working; people who already joined stay members."""
    check_not_suspended(by)
    if not can_invite(by, invitation.group):
        raise Refusal(
            _("Only council officers and the organisation's facilitators can revoke this invitation."),
            forbidden=True,
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.revoked_by = by
        invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


class InvitationRefusal(Refusal):
    """An invitation link that does not let this person join; ``invitation`` is set when the
    token was genuine, so the page can still say which group it was for."""

    def __init__(self, message: str, *, invitation: GroupInvitation | None = None) -> None:
        super().__init__(message, forbidden=True)
        self.invitation = invitation


def invitation_from_token(token: str) -> GroupInvitation:
    """The invitation a genuine token names, with its group and organisation."""
    try:
        pk, secret = signing.Signer(salt=INVITATION_SALT).unsign_object(token)
        invitation = GroupInvitation.objects.select_related("group__organisation").get(pk=pk)
    except (signing.BadSignature, ValueError, TypeError, GroupInvitation.DoesNotExist):
        invitation = None
    if invitation is None or not secrets.compare_digest(str(invitation.secret), str(secret)):
        raise InvitationRefusal(
            _(
                "This invitation link is not valid. Check that you copied the whole link, "
                "or ask the organiser for a new one."
            )
        )
    return invitation


def invitation_problem(invitation: GroupInvitation, *, now: datetime | None = None) -> str:
    """Why nobody can join with this invitation any more ("" while it works)."""
    if invitation.revoked_at is not None:
        return _("This invitation has been withdrawn by the organiser. Ask them for a new link.")
    if invitation.expires_at <= (now or timezone.now()):
        return _("This invitation has expired. Ask the organiser for a new link.")
    if invitation.uses >= invitation.max_uses:
        return _(
            "This invitation has been used by as many people as it allows. Ask the organiser for a new link."
        )
    return ""


def invitation_status(invitation: GroupInvitation) -> str:
    """In a word, for the admin and the facilitator page."""
    if invitation.revoked_at is not None:
        return _("Revoked")
    if invitation.expires_at <= timezone.now():
        return _("Expired")
    if invitation.uses >= invitation.max_uses:
        return _("Used up")
    return _("Working")


@dataclass(frozen=True)
class Joined:
    group: TargetGroup
    already_member: bool


def invitation_accept(*, token: str, user: User) -> Joined:
    """Join the invitation's group. Someone already in the group takes no use; the last use goes
    to one person only (the invitation's row is locked while it is counted)."""
    invitation = invitation_from_token(token)
    if is_suspended(user):
        raise InvitationRefusal(suspension_message(user), invitation=invitation)
    with transaction.atomic():
        invitation = GroupInvitation.objects.select_for_update().get(pk=invitation.pk)
        group = TargetGroup.objects.select_related("organisation").get(pk=invitation.group_id)
        if GroupMembership.objects.filter(user=user, group=group).exists():
            return Joined(group=group, already_member=True)
        problem = invitation_problem(invitation)
        if problem:
            raise InvitationRefusal(problem, invitation=invitation)
        GroupMembership.objects.create(user=user, group=group, how=GroupMembership.How.INVITATION)
        invitation.uses += 1
        invitation.save(update_fields=["uses"])
    return Joined(group=group, already_member=False)


# --- API tokens (issue 14) -------------------------------------------------------------------

MAX_LIVE_TOKENS = 20


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``, and its full text: shown to them once, never stored."""
    check_not_suspended(user)
    name = name.strip()
    if not name:
        raise Refusal(_("Give the token a name, so you know which one to revoke."), field="name")
    if ApiToken.objects.live().filter(user=user).count() >= MAX_LIVE_TOKENS:
        raise Refusal(
            _("You already have %(count)d API tokens. Revoke one you no longer use first.")
            % {"count": MAX_LIVE_TOKENS},
            field="name",
        )
    prefix = secrets.token_hex(ApiToken.PREFIX_LENGTH // 2)
    text = f"ve_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, digest=token_digest(text))
    return token, text


def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Stop the token working. Only its owner revokes it; a suspended person may still revoke
    (taking access away is never refused)."""
    if token.user_id != by.pk:
        raise Refusal(_("That is not one of your API tokens."), forbidden=True)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
