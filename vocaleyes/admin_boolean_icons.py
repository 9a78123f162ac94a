"""Yes/no icons in the admin with text in the officer's language.

Django's admin draws a boolean as ``<img alt="True">`` (``admin_list._boolean_icon``, which
puts the Python value in the ``alt``), so a screen reader reads English "True"/"False" on the
Welsh admin pages (WCAG 2.2 3.1.2, language of parts). Django looks the function up at each
call (``admin.utils.display_for_field`` and ``helpers.AdminReadonlyField`` import it inside the
function), so replacing it once at start-up is enough: the same icon, with "Yes"/"No"/"Unknown"
from Django's own catalogue ("Ie"/"Na"/"Anhysbys" in Welsh).

This is the one place the project replaces a private Django function; ``tests/vocaleyes/
test_admin_boolean_icons.py`` fails if Django stops calling it, so an upgrade cannot silently
bring "True" back.
"""

from __future__ import annotations

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(field_val: bool | None) -> SafeString:
    words = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}
    icon_url = static(f"admin/img/icon-{ICONS[field_val]}.svg")
    return format_html('<img src="{}" alt="{}">', icon_url, words[field_val])


def install() -> None:
    admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]
