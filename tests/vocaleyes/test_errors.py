"""The one refusal type: how a form and the API show it."""

from __future__ import annotations

from django import forms
from rest_framework.test import APIRequestFactory

from vocaleyes.errors import Refusal, api_exception_handler


class _NoteForm(forms.Form):
    note = forms.CharField()


def test_a_refusal_about_a_field_is_shown_beside_that_field() -> None:
    form = _NoteForm(data={"note": "hello"})
    assert form.is_valid()
    Refusal("Keep the note short.", field="note").add_to(form)
    assert form.errors == {"note": ["Keep the note short."]}


def test_a_refusal_about_an_unknown_field_goes_to_the_top_of_the_form() -> None:
    form = _NoteForm(data={"note": "hello"})
    assert form.is_valid()
    Refusal("This conversation is closed.", field="title").add_to(form)
    assert form.non_field_errors() == ["This conversation is closed."]


def test_the_api_answers_403_for_who_is_asking_and_400_for_what_was_sent() -> None:
    context = {"request": APIRequestFactory().get("/")}
    forbidden = api_exception_handler(Refusal("Not yours.", forbidden=True), context)
    invalid = api_exception_handler(Refusal("Choose 1 to 5.", field="value"), context)
    assert forbidden is not None and forbidden.status_code == 403
    assert forbidden.data == {"detail": "Not yours.", "code": "forbidden", "fields": {}}
    assert invalid is not None and invalid.status_code == 400
    assert invalid.data == {
        "detail": "Choose 1 to 5.",
        "code": "refused",
        "fields": {"value": ["Choose 1 to 5."]},
    }
