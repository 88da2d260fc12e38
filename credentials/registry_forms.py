"""The registry's search form (from the query string) and the holder's listing form."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class RegistrySearchForm(forms.Form):
    """Search by name or place and filter by category; invalid values are ignored."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("A name, a city or a region."),
    )
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data, *, categories: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["category"].choices = [("", gettext("Any category")), *categories]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "q": (cleaned.get("q") or "").strip(),
            "category": cleaned.get("category") or "",
        }


class ListingForm(forms.Form):
    listed = forms.BooleanField(
        label=_("List me in the association's public registry"),
        required=False,
        help_text=_(
            "The registry shows your name, the category, the city or region below and the "
            "status of your endorsement. You can leave it at any time."
        ),
    )
    place = forms.CharField(label=_("City or region"), required=False, max_length=100)
    show_languages = forms.BooleanField(
        label=_("Show the languages in which I serve families"),
        required=False,
        help_text=_("From your professional profile. This choice applies to all your listings."),
    )
    show_region = forms.BooleanField(
        label=_("Show my region when the city or region above is empty"),
        required=False,
        help_text=_("From your professional profile. This choice applies to all your listings."),
    )
