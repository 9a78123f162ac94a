"""Time credits in the API: your account, your statement, and giving (issue 14).

Adapters only, like the pages: ``timecredits.permissions`` says who may, ``selectors`` read (the
statement's lines are the statement page's, with its memos, blanked messages and names) and
``services.credits_gift`` gives, refusing exactly as it does for the give page.

Everything here is about the person asking: there is no account number in a read's address, so
nobody can ask for anyone else's. The give page's check-your-answers step and its one-time key
become the ``Idempotency-Key`` header: the gift's key in the ledger is made from the person and
their key (``gift:<person>:api:<key>``), so a request sent again gives once and answers with
the first gift, and one person's key can never answer another's request.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from vocaleyes.api.conflict import conflict
from vocaleyes.api.filters import refuse_blank
from vocaleyes.models import User
from vocaleyes.permissions import check_not_suspended

from .. import permissions, selectors, services
from ..amounts import format_minutes
from ..forms import StatementFilterForm
from ..models import Account, Entry, Transfer
from ..services import InsufficientCredits
from .serializers import (
    IDEMPOTENCY_HEADER,
    IDEMPOTENCY_KEY,
    STATEMENT_CURSOR,
    AccountSerializer,
    ErrorSerializer,
    GiftRequestSerializer,
    GiftSerializer,
    MeSerializer,
    StatementPageSerializer,
    StatementQuerySerializer,
)

TAGS = ["time credits"]
UNAUTHENTICATED = OpenApiResponse(ErrorSerializer, description="No API token, or one that is not valid.")
FILTERS = ("kind", "date_from", "date_to")
INVALID = OpenApiResponse(ErrorSerializer, description="Something sent needs correcting; `fields` says what.")


def is_iso_date(text: str) -> bool:
    """``2027-05-31`` and nothing else (no spaces, no week dates, no other ways of writing a day)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def gift_key(user_id: int, key: str) -> str:
    """The transfer's idempotency key: the pages' "action:person:key" shape, marked as the API's
    so that it can never meet a key of the give page."""
    return f"gift:{user_id}:api:{key}"


class UsesCredits(BasePermission):
    """Reads: anyone signed in with an open account (suspended people too). Writes: not while
    suspended, answered with the suspension's reason before the body is read or the rate limit
    counts it."""

    def has_permission(self, request: Request, view: Any) -> bool:
        if not permissions.has_account(request.user):
            return False  # 401 for nobody signed in
        if request.method in SAFE_METHODS:
            return True
        check_not_suspended(request.user)  # a forbidden Refusal: 403 with the reason
        return permissions.can_use_credits(request.user)


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class Me(APIView):
    permission_classes = [UsesCredits]

    @extend_schema(
        summary="Your time credits: your account number and balance",
        description=(
            "Your own account (opened the first time you ask, as the page does), and the accounts "
            "of the organisations you organise."
        ),
        tags=TAGS,
        responses={200: MeSerializer, 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        user = _user(request)
        account = services.account_for_person(user=user)
        organised = selectors.accounts_organised_by(user)
        return Response(
            {
                "account": AccountSerializer(account).data,
                "organised_accounts": AccountSerializer(organised, many=True).data,
                "statement": reverse("api-v1:time-credits-statement", request=request),
            }
        )


class Statement(APIView):
    permission_classes = [UsesCredits]

    @extend_schema(
        summary="Your statement, newest first",
        description=(
            "The lines of the statement page, newest first, a page at a time: follow `next` for "
            "older lines and `previous` for newer ones (pages are keyed on the line number, so a "
            "gift arriving while you read does not shift them). Filter as the page does by `kind` "
            "and dates."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "cursor",
                STATEMENT_CURSOR,
                style="form",
                explode=True,
                description="`before` or `after` a line number, not both: the `next` and "
                "`previous` links set them.",
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 100},
                description="Lines a page: 25 unless asked, at most 100.",
            ),
            OpenApiParameter(
                "kind", OpenApiTypes.STR, enum=Transfer.Kind.values, description="One kind only."
            ),
            OpenApiParameter("date_from", OpenApiTypes.DATE, description="Lines on or after this day."),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description="Lines on or before this day."),
        ],
        responses={200: StatementPageSerializer, 400: INVALID, 401: UNAUTHENTICATED},
    )
    def get(self, request: Request) -> Response:
        # Given empty, the page's form reads a filter as "any"; the API's schema says each takes
        # a value, and a date is year-month-day (the form also reads local ways of writing one).
        refuse_blank(request.query_params, [*StatementQuerySerializer().fields, *FILTERS])
        for name in ("date_from", "date_to"):
            if name in request.query_params and not is_iso_date(request.query_params[name]):
                raise exceptions.ValidationError(
                    {name: [_("Enter the date as year-month-day, like 2027-05-31.")]}
                )
        query = StatementQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        form = StatementFilterForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {name: [str(message) for message in messages] for name, messages in form.errors.items()}
            )
        filters = selectors.StatementFilters(
            kind=form.cleaned_data["kind"] or "",
            date_from=form.cleaned_data["date_from"],
            date_to=form.cleaned_data["date_to"],
        )
        account = services.account_for_person(user=_user(request))
        page = selectors.statement_page(
            account,
            filters=filters,
            before=query.validated_data.get("before"),
            after=query.validated_data.get("after"),
            size=query.validated_data.get("page_size", selectors.PAGE_SIZE),
        )
        url = request.build_absolute_uri()
        older = newer = None
        if page.older_cursor is not None:
            older = replace_query_param(remove_query_param(url, "after"), "before", page.older_cursor)
        if page.newer_cursor is not None:
            newer = replace_query_param(remove_query_param(url, "before"), "after", page.newer_cursor)
        body = {"next": older, "previous": newer, "results": page.lines}
        return Response(StatementPageSerializer(body, context={"request": request}).data)


class Gift(APIView):
    permission_classes = [UsesCredits]
    rate_limit = "gift"

    @extend_schema(
        summary="Give time credits to someone",
        description=(
            "Gives at once (there is no check-your-answers step here): send an `Idempotency-Key` "
            "header, new for each gift. Sent again with the same key, the request gives nothing "
            "more and answers `200` with the gift already given (`replayed: true`). Refused as "
            "the give page refuses: the amount, your balance, an account number nobody has, "
            "your own account; `403` while your account is suspended."
        ),
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                pattern=IDEMPOTENCY_KEY.pattern,
                description="New for each gift (a UUID, say): up to 64 letters, digits, - or _.",
            )
        ],
        request=GiftRequestSerializer,
        responses={
            201: OpenApiResponse(GiftSerializer, description="Given."),
            200: OpenApiResponse(
                GiftSerializer, description="Already given with this key: nothing more moved."
            ),
            400: INVALID,
            401: UNAUTHENTICATED,
            403: OpenApiResponse(
                ErrorSerializer,
                description="Your account is suspended, or the account number is your own.",
            ),
            404: OpenApiResponse(ErrorSerializer, description="Nobody has an open account with that number."),
            409: OpenApiResponse(
                ErrorSerializer,
                description="Your balance is too low for this gift (code `insufficient_credits`).",
            ),
            429: OpenApiResponse(ErrorSerializer, description="Too many gifts and spends in a short time."),
        },
    )
    def post(self, request: Request) -> Response:
        sender = _user(request)
        serializer = GiftRequestSerializer(
            data=request.data,
            context={"sender": sender, "idempotency_header": request.headers.get(IDEMPOTENCY_HEADER)},
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        recipient: Account = data["recipient"]
        assert recipient.user is not None  # GiftForm finds people's accounts only
        try:
            transfer = services.credits_gift(
                sender=sender,
                recipient=recipient.user,
                minutes=data["minutes"],
                message=data["message"],
                idempotency_key=gift_key(sender.pk, data["idempotency_key"]),
                message_language=data["message_language"],
            )
        except InsufficientCredits as refusal:
            # Well formed and allowed, but not with this balance: "not now" rather than "correct it".
            raise conflict(refusal, code="insufficient_credits") from None
        given = Entry.objects.get(transfer=transfer, account__user=sender)
        if transfer.replayed:
            detail = _("This gift was already given. Nothing more has been taken.")
        else:
            detail = _("You gave %(amount)s to %(name)s.") % {
                "amount": format_minutes(transfer.amount),
                "name": recipient.user.public_name,
            }
        body = {
            "id": transfer.pk,
            "replayed": transfer.replayed,
            "detail": detail,
            "recipient": recipient,
            "amount": transfer.amount,
            "message": transfer.memo,
            "message_language": transfer.memo_language,
            "created": transfer.created,
            "balance_after": given.balance_after,
        }
        return Response(
            GiftSerializer(body).data,
            status=status.HTTP_200_OK if transfer.replayed else status.HTTP_201_CREATED,
        )
