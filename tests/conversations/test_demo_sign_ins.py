"""``make run`` prints the sign-ins once, last (``demo_sign_ins``), not in every loader."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _run(command: str, **options: str) -> str:
    out = StringIO()
    call_command(command, stdout=out, **options)
    return out.getvalue()


def test_the_loaders_do_not_print_the_sign_ins_and_the_last_command_prints_them_once() -> None:
    printed = _run("load_demo") + _run("load_demo_groups", base_url="http://127.0.0.1:8000")
    printed += _run("load_demo_credits")
    assert "Demo sign-ins" not in printed
    assert printed.count("Demo data loaded") == 1  # load_demo_credits runs load_demo quietly
    last = _run("demo_sign_ins", base_url="http://127.0.0.1:8000")
    assert last.count("Demo sign-ins") == 1
    assert "resident@demo.vocaleyes.cymru" in last and "vocaleyes-demo-2026" in last
    # The role is a label beside the name, not part of it (role words are refused in names).
    assert "Sian Price (council officer)" in last and "Dafydd Evans (facilitator)" in last
    assert "http://127.0.0.1:8000/join/" in last
    assert "VocalEyes is running at http://127.0.0.1:8000/" in last
