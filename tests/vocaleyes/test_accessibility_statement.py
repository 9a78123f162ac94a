"""The accessibility statement (issue 13): partially compliant, with what is not, how and when
it was tested, when it will be reviewed, and a real contact; in English and in Welsh."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CONTACT = "hygyrchedd@vocaleyes.cymru"


@pytest.fixture(autouse=True)
def _contact(settings: Any) -> None:
    settings.CONTACT_EMAIL = CONTACT


def text_of(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">(.*?)</p>', html, re.S)
    assert match, element_id
    return " ".join(match.group(1).split())


def test_the_statement_says_partially_compliant_and_when(client: Client) -> None:
    html = client.get("/accessibility/").content.decode()

    assert text_of(html, "compliance-status") == (
        "This website is partially compliant with the Web Content Accessibility Guidelines "
        "version 2.2 AA standard: we know of no failure on the pages we have tested, but we have "
        "not yet tested every page, or tested with assistive technologies (see below)."
    )
    assert "This website was last tested on 7 December 2026." in html
    assert text_of(html, "statement-dates") == (
        "This statement was prepared on 7 December 2026. It will be reviewed by 7 June 2027."
    )
    assert "We know of no failure of WCAG 2.2 AA on the pages we have tested." in html
    assert "Pages we have not tested yet" in html
    assert "We aim for full compliance" not in html


def test_the_contact_is_the_services_own_address(client: Client) -> None:
    html = client.get("/accessibility/").content.decode()

    link = re.search(r'<a [^>]*id="accessibility-contact">([^<]+)</a>', html)
    assert link and link.group(1) == CONTACT and f'href="mailto:{CONTACT}"' in link.group(0)
    assert f"think we are not meeting accessibility requirements, email {CONTACT}." in html
    assert 'href="https://www.equalityadvisoryservice.com/"' in html
    assert "Equality and Human Rights Commission (EHRC)" in html


def test_the_welsh_statement_is_in_welsh(client: Client) -> None:
    html = client.get("/cy/accessibility/").content.decode()

    assert text_of(html, "compliance-status").startswith("Mae'r wefan hon yn cydymffurfio'n rhannol")
    assert text_of(html, "statement-dates") == (
        "Paratowyd y datganiad hwn ar 7 Rhagfyr 2026. Caiff ei adolygu erbyn 7 Mehefin 2027."
    )
    assert "Profwyd y wefan hon ddiwethaf ar 7 Rhagfyr 2026." in html
    assert f'href="mailto:{CONTACT}"' in html
    assert "partially compliant" not in html
    assert "Pages we have not tested yet" not in html
    # No English left in the Welsh statement's own sentences.
    for english in ("pixels", "tested", "administration pages", "screen readers", "email "):
        assert english not in html, english
