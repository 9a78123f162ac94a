"""The fluent reviewer's corrections (issue 13) hold in the compiled Welsh catalogues."""

import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

BASE = Path(settings.BASE_DIR)
CATALOGUES = [
    BASE / "locale" / "cy" / "LC_MESSAGES" / "django.po",
    BASE / "locale" / "vendor" / "cy" / "LC_MESSAGES" / "django.po",
    BASE / "locale" / "vendor" / "cy" / "LC_MESSAGES" / "djangojs.po",
    BASE / "conversations" / "locale" / "cy" / "LC_MESSAGES" / "django.po",
    BASE / "budgeting" / "locale" / "cy" / "LC_MESSAGES" / "django.po",
    BASE / "timecredits" / "locale" / "cy" / "LC_MESSAGES" / "django.po",
]

CORRECTED = [
    ("ideas in priority order", "syniadau yn nhrefn blaenoriaeth"),
    ("last idea counted", "y syniad olaf a gyfrifwyd"),
    ("counts", "cyfrifiadau pleidleisiau"),
    ("Seeded by %(name)s on %(date)s", "Heuwyd gan %(name)s ar %(date)s"),
    (" By %(filter_title)s ", " Yn ôl %(filter_title)s "),
    ("Your ballot in %(round)s", "Eich pleidlais ar gyfer %(round)s"),
    ("What it was for: %(memo)s", "Ar gyfer: %(memo)s"),
    ("Not important", "Ddim yn bwysig"),
    ("Newest", "Diweddaraf"),
    ("Most discussed", "Wedi'u trafod fwyaf"),
    ("Hidden", "Wedi'i guddio"),
    ("funded in place", "safle ariannu"),
    ("Message from %(sender)s:", "Neges gan %(sender)s:"),
    ("Greedy: most votes first", "Y mwyaf o bleidleisiau yn gyntaf"),
    ("permissions", "caniatâd"),
]


@pytest.mark.parametrize(("english", "welsh"), CORRECTED)
def test_corrected_welsh(english: str, welsh: str) -> None:
    with translation.override("cy"):
        assert gettext(english) == welsh


@pytest.mark.parametrize("years", [5, 8, 11])
def test_years_take_the_nasal_mutation(years: int) -> None:
    with translation.override("cy"):
        text = ngettext("%(num)d year", "%(num)d years", years) % {"num": years}
        past = translation.npgettext("naturaltime-past", "%(num)d year", "%(num)d years", years) % {
            "num": years
        }
    assert text == f"{years} mlynedd"
    assert past == f"{years} mlynedd"


def test_admin_selection_box_says_all_of_them() -> None:
    javascript = gettext_module.translation(
        "djangojs", localedir=BASE / "locale" / "vendor", languages=["cy"]
    )
    assert javascript.gettext("Choose all %s") == "Dewis yr holl %s"
    assert javascript.gettext("Remove all %s") == "Tynnu'r holl %s"


def test_one_word_for_residents_in_every_catalogue() -> None:
    for path in CATALOGUES:
        text = path.read_text(encoding="utf-8").lower()
        assert "preswylwyr" not in text, path
        assert "breswylwyr" not in text, path


@pytest.mark.parametrize(
    "wrong",
    [
        "Hauwyd",
        "hauwyd",
        'blynedd"',
        "Barus",
        "barus",
        "Beth oedd e:",
        "Dewis pob %s",
        "Tynnu pob %s",
        "Wrth %(filter_title)s",
        "Eich pleidlais yn",
        "Mwyaf newydd",
        "Mwyaf o drafod",
        'Cuddiwyd"',
        "wedi'i ariannu yn safle",
        "Ei neges:",
        "cyfrifon pleidleisiau",
        'cyfrifwyd ddiwethaf"\n\n#: models/rankings.py:45',
    ],
)
def test_wrong_forms_are_gone(wrong: str) -> None:
    for path in CATALOGUES:
        assert wrong not in path.read_text(encoding="utf-8"), path


def test_not_important_is_ddim() -> None:
    for path in CATALOGUES:
        assert not re.search(r"\b[Dd]im yn bwysig", path.read_text(encoding="utf-8")), path


def test_time_credit_pages_use_the_formal_register() -> None:
    text = (BASE / "timecredits" / "locale" / "cy" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for informal in ["Does ", "Dydy", "Allwch chi ddim", "Doedden ni", " ti ", " dy "]:
        assert informal not in text, informal
