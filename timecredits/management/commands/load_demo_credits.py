"""Demo time credits: issuing and partner accounts, partner offers, and a few transfers.

Runs ``load_demo`` first (itself idempotent) for the demo people and organisations. Idempotent:
accounts and offers are looked up by natural key, and every demo transfer goes through the
services with a fixed idempotency key, so a second run records nothing new (the ledger's own
guarantee, used as designed).
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from timecredits import services
from timecredits.models import Account, PartnerOffer
from vocaleyes.models import Organisation, User

PARTNERS: list[dict[str, Any]] = [
    {
        "slug": "penlan-leisure-centre",
        "name_en": "Penlan Leisure Centre (demo)",
        "name_cy": "Canolfan Hamdden Penlan (demo)",
        "kind": Organisation.Kind.THIRD_SECTOR,
        "level": Organisation.Level.LOCAL,
    },
    {
        "slug": "taliesin-arts-centre",
        "name_en": "Taliesin Arts Centre (demo)",
        "name_cy": "Canolfan Gelfyddydau Taliesin (demo)",
        "kind": Organisation.Kind.THIRD_SECTOR,
        "level": Organisation.Level.LOCAL,
    },
]

OFFERS: list[dict[str, Any]] = [
    {
        "organisation": "penlan-leisure-centre",
        "title_en": "A swim",
        "title_cy": "Sesiwn nofio",
        "description_en": "One swim in the main pool, including the changing rooms.",
        "description_cy": "Un sesiwn nofio yn y prif bwll, gan gynnwys yr ystafelloedd newid.",
        "availability_en": "Every day, 7am to 9pm",
        "availability_cy": "Bob dydd, 7am tan 9pm",
        "price": 60,
        "places_left": None,
    },
    {
        "organisation": "penlan-leisure-centre",
        "title_en": "Gym induction",
        "title_cy": "Cyflwyniad i'r gampfa",
        "description_en": "A one-to-one session with an instructor to get you started safely.",
        "description_cy": "Sesiwn un-i-un gyda hyfforddwr i'ch helpu i ddechrau'n ddiogel.",
        "availability_en": "Tuesdays and Thursdays, 10am",
        "availability_cy": "Dydd Mawrth a dydd Iau, 10am",
        "price": 90,
        "places_left": 8,
    },
    {
        "organisation": "taliesin-arts-centre",
        "title_en": "Cinema ticket",
        "title_cy": "Tocyn sinema",
        "description_en": "One ticket for any film in our cinema.",
        "description_cy": "Un tocyn ar gyfer unrhyw ffilm yn ein sinema.",
        "availability_en": "Any screening, subject to seats",
        "availability_cy": "Unrhyw ddangosiad, os oes seddi ar gael",
        "price": 120,
        "places_left": None,
    },
    {
        "organisation": "taliesin-arts-centre",
        "title_en": "Welsh for beginners: taster course",
        "title_cy": "Cymraeg i ddechreuwyr: cwrs blasu",
        "description_en": "Four friendly evening sessions for people starting to learn Welsh.",
        "description_cy": "Pedair sesiwn gyfeillgar gyda'r nos i bobl sy'n dechrau dysgu Cymraeg.",
        "availability_en": "Wednesdays in March, 6pm to 7.30pm",
        "availability_cy": "Nosweithiau Mercher ym mis Mawrth, 6pm tan 7.30pm",
        "price": 180,
        "places_left": 12,
    },
]


class Command(BaseCommand):
    help = "Load demo time credits: accounts, partner offers and a few transfers (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_demo", stdout=StringIO())  # make run printed its line already
        board = Organisation.objects.get(slug="swansea-bay-wellbeing-board")
        garden = Organisation.objects.get(slug="townhill-community-garden")
        for issuer in (board, garden):
            services.account_open_for_organisation(organisation=issuer, kind=Account.Kind.ISSUING)
        partners = {}
        for data in PARTNERS:
            partner, _made = Organisation.objects.get_or_create(slug=data["slug"], defaults=data)
            services.account_open_for_organisation(organisation=partner, kind=Account.Kind.RECEIVING)
            partners[data["slug"]] = partner
        offers = {}
        for data in OFFERS:
            values = {**data, "organisation": partners[str(data["organisation"])]}
            offer, _made = PartnerOffer.objects.get_or_create(
                organisation=values["organisation"], title_en=data["title_en"], defaults=values
            )
            offers[data["title_en"]] = offer

        resident = User.objects.get(email="resident@demo.vocaleyes.cymru")
        facilitator = User.objects.get(email="facilitator@demo.vocaleyes.cymru")
        officer = User.objects.get(email="officer@demo.vocaleyes.cymru")
        services.credits_earn(
            organisation=board,
            person=resident,
            minutes=180,
            recorded_by=facilitator,
            memo="Citizen panel: the well-being plan / Panel dinasyddion: y cynllun llesiant",
            idempotency_key="demo:earn:resident:panel",
        )
        services.credits_earn(
            organisation=garden,
            person=resident,
            minutes=150,
            recorded_by=facilitator,
            memo="Planting day at the community garden / Diwrnod plannu yn yr ardd gymunedol",
            idempotency_key="demo:earn:resident:garden",
        )
        services.credits_earn(
            organisation=board,
            person=officer,
            minutes=60,
            recorded_by=facilitator,
            memo="Evening question session / Sesiwn holi gyda'r nos",
            idempotency_key="demo:earn:officer:questions",
        )
        services.credits_gift(
            sender=resident,
            recipient=officer,
            minutes=30,
            message="Diolch am yr help gyda'r ffurflen!",
            idempotency_key="demo:gift:resident:officer",
        )
        services.credits_spend(
            person=resident, offer=offers["A swim"], idempotency_key="demo:spend:resident:swim"
        )

        account = Account.objects.get(user=resident)
        self.stdout.write(
            f"Demo time credits loaded: {PartnerOffer.objects.count()} offers; "
            f"{resident.public_name} has {account.balance} minutes (account {account.number})."
        )
