from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Organisation, TargetGroup, User


class SignupForm(forms.Form):
    """Extra sign-up fields; allauth adds email and password (ACCOUNT_SIGNUP_FORM_CLASS)."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_(
            "The name other people see next to your ideas and comments. You can use your first name."
        ),
        error_messages={"required": _("Enter a display name.")},
        validators=User._meta.get_field("display_name").validators,
    )

    field_order = ["display_name"]

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a display name."))
        return name

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data["display_name"]
        # Email is sent in the language the person signed up in; they can change it on their profile.
        user.language = "cy" if (get_language() or "").startswith("cy") else "en"
        user.save(update_fields=["display_name", "language"])


class LanguageRadioSelect(forms.RadioSelect):
    """Radios whose labels are language names each written in that language ("English",
    "Cymraeg"): ``form_field.html`` gives each label its ``lang`` (WCAG 3.1.2)."""

    endonyms = True


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language"]
        widgets: dict[str, Any] = {"language": LanguageRadioSelect}
        help_texts: dict[str, Any] = {
            "language": _("We show you pages in this language after you sign in, and send you emails in it.")
        }
        error_messages: dict[str, Any] = {
            "display_name": {"required": _("Enter a display name.")},
            "language": {"invalid_choice": _("Choose English or Welsh.")},
        }

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter a display name."))
        return name


class GroupsForm(forms.Form):
    """The optional "groups you belong to" on the profile: consent, then the groups to keep."""

    consent = forms.BooleanField(
        label=_("I agree that VocalEyes keeps the groups I tick, to check whose voices are heard"),
        required=False,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups you belong to"),
        queryset=TargetGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose groups from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declarable = TargetGroup.objects.filter(self_declarable=True).select_related("organisation")
        field = self.fields["groups"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = self.declarable

    def sections(self) -> list[tuple[Organisation, list[tuple[str, list[tuple[TargetGroup, bool, str]]]]]]:
        """The groups to show, by organisation and then by kind, each with whether it is ticked
        and its checkbox's id (the first is the one the error summary links to)."""
        chosen = {str(value) for value in (self["groups"].value() or [])}
        kinds_in_order = list(TargetGroup.Kind.values)
        by_organisation: dict[int, tuple[Organisation, dict[str, list[tuple[TargetGroup, bool, str]]]]] = {}
        groups = sorted(
            self.declarable, key=lambda g: (str(g.organisation), kinds_in_order.index(g.kind), str(g.name))
        )
        for index, group in enumerate(groups):
            _organisation, kinds = by_organisation.setdefault(group.organisation_id, (group.organisation, {}))
            checkbox_id = f"{self['groups'].auto_id}_{index}"
            kinds.setdefault(group.get_kind_display(), []).append(
                (group, str(group.pk) in chosen, checkbox_id)
            )
        return [(organisation, list(kinds.items())) for organisation, kinds in by_organisation.values()]


class TargetGroupImportForm(forms.Form):
    """The admin's CSV import of an organisation's target groups."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name_en,name_cy,kind,population_size,population_source. Kinds: place, age_band, "
            "lived_experience, service_users, welsh_language, other."
        ),
    )
