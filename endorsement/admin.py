import contextlib

from django import forms
from django.conf import settings
from django.contrib import admin
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.base import FilterExpression, Node, NodeList, Variable
from django.template.defaulttags import ForNode, WithNode
from django.template.loader import render_to_string
from django.template.smartif import TokenBase
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.admin import AssociationScopedAdmin, AssociationScopedInline, ReadOnlyAdminMixin
from endorsement.emails import EMAILS, _engine, email_values_help, template_file
from endorsement.models import (
    AddOn,
    Application,
    ApplicationEvent,
    EmailTemplate,
    Endorsement,
    EndorsementAddOn,
    EndorsementEvent,
    RenewalPolicy,
)


class ApplicationEventInline(ReadOnlyAdminMixin, AssociationScopedInline, admin.TabularInline):
    """The history, shown to whoever may see the application; never edited."""

    model = ApplicationEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "from_state", "to_state", "note", "note_is_public"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(AssociationScopedAdmin):
    """Read-mostly: the state changes only through the workflow's service, never here."""

    list_display = ["applicant", "category", "association", "state", "purpose", "state_changed"]
    list_filter = ["state", "purpose", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["applicant__email", "applicant__full_name"]
    list_select_related = ["applicant", "category", "association"]
    readonly_fields = [
        "association",
        "applicant",
        "category",
        "registration_education",
        "registration_work_years",
        "registration_rsc_hours",
        "registration_note",
        "state",
        "state_changed",
        "state_before_hold",
        "submitted_at",
        "last_activity",
        "advisor",
        "advisor_requested_at",
        "ready_for_review_at",
        "purpose",
        "prior_endorsement",
        "created",
    ]
    inlines = [ApplicationEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class EndorsementEventInline(ReadOnlyAdminMixin, AssociationScopedInline, admin.TabularInline):
    """The endorsement's standing over time (``endorsement.lifecycle``); never edited."""

    model = EndorsementEvent
    extra = 0
    can_delete = False
    fields = ["at", "actor", "action", "from_status", "to_status", "valid_through", "note"]
    readonly_fields = fields


@admin.register(Endorsement)
class EndorsementAdmin(ReadOnlyAdminMixin, AssociationScopedAdmin):
    """Awards are made by the coordinator's award step (``endorsement.awards``), and the
    standing changes only through ``endorsement.lifecycle``: read-only here."""

    list_display = ["number", "holder", "category", "status", "awarded_on", "valid_through"]
    list_filter = [("association", admin.RelatedOnlyFieldListFilter), "status", "awarded_on"]
    search_fields = ["number", "holder__email", "holder__full_name"]
    list_select_related = ["holder", "category"]
    fields = [
        "number",
        "association",
        "holder",
        "category",
        "application",
        "awarded_on",
        "valid_through",
        "status",
        "status_since",
        "status_reason",
        "continued_by",
        "created",
    ]
    readonly_fields = fields
    inlines = [EndorsementEventInline]


@admin.register(RenewalPolicy)
class RenewalPolicyAdmin(AssociationScopedAdmin):
    """The association's renewal calendar: when renewal opens, the grace date, automatic
    approval with a random audit share."""

    list_display = ["association", "opens_month", "opens_day", "grace_month", "grace_day"]
    fields = [
        "association",
        ("opens_month", "opens_day"),
        ("grace_month", "grace_day"),
        "auto_approve",
        "audit_percent",
    ]


def _other_languages() -> list[tuple[str, str]]:
    return [(code, label) for code, label in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class AddOnAdminForm(forms.ModelForm):
    """The categories as one line of codes ("IFS, IMHS"); ``names`` as one field per language."""

    categories = forms.CharField(
        label=_("May be added to endorsements in these categories"),
        max_length=300,
        help_text=_("Category codes separated by commas, e.g. IFS, IMHS."),
    )

    class Meta:
        model = AddOn
        fields = [
            "association",
            "code",
            "name",
            "description",
            "min_rsc_provided_hours",
            "min_rsc_training_hours",
            "document_required",
            "document_note",
            "attestation",
            "is_open",
            "order",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].initial = ", ".join(self.instance.category_codes or [])
        for code, _label in _other_languages():
            if f"name_{code}" in self.fields:
                self.fields[f"name_{code}"].initial = self.instance.names.get(code, "")

    def clean_categories(self):
        codes = [c.strip().upper() for c in self.cleaned_data["categories"].split(",")]
        codes = sorted({c for c in codes if c})
        if not codes:
            raise forms.ValidationError(_("Name at least one category it may be added to."))
        self.instance.category_codes = codes
        return ", ".join(codes)

    def _post_clean(self):
        if "categories" in self._errors:
            return  # the model's own check of the codes would only repeat the error
        super()._post_clean()

    def save(self, commit=True):
        names = dict(self.instance.names)
        for code, _label in _other_languages():
            if f"name_{code}" in self.cleaned_data:
                names[code] = self.cleaned_data[f"name_{code}"].strip()
        self.instance.names = {code: name for code, name in names.items() if name}
        return super().save(commit)


for _code, _label in _other_languages():
    AddOnAdminForm.declared_fields[f"name_{_code}"] = forms.CharField(
        label=lazy(lambda label=_label: _("Name in %(language)s") % {"language": label}, str)(),
        max_length=200,
        required=False,
        help_text=_("Shown on pages and in e-mails in that language. Empty: the name above."),
    )
AddOnAdminForm.base_fields.update(AddOnAdminForm.declared_fields)


@admin.register(AddOn)
class AddOnAdmin(AssociationScopedAdmin):
    """The association's add-on designations and their requirements (as data)."""

    form = AddOnAdminForm
    list_display = ["name", "code", "association", "is_open"]
    list_filter = [("association", admin.RelatedOnlyFieldListFilter), "is_open"]

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        names = [field for field in fields if field.startswith("name_")]
        rest = [field for field in fields if field not in names and field != "categories"]
        at = rest.index("name") + 1
        return [*rest[:at], *names, "categories", *rest[at:]]


@admin.register(EndorsementAddOn)
class EndorsementAddOnAdmin(ReadOnlyAdminMixin, AssociationScopedAdmin):
    """Decided by the coordinator on the portal's page; read-only here."""

    association_path = "endorsement__association"
    list_display = ["endorsement", "add_on", "state", "applied_at", "valid_through"]
    list_filter = ["state"]
    list_select_related = ["endorsement", "add_on"]
    fields = [
        "endorsement",
        "add_on",
        "state",
        "rsc_provided_hours",
        "rsc_training_hours",
        "attested_at",
        "evidence_note",
        "applied_at",
        "decided_at",
        "decided_by",
        "decision_note",
        "valid_through",
    ]
    readonly_fields = fields


def email_default_wording(key: str, language: str) -> tuple[str, str] | None:
    """The portal's own subject and text of ``key`` in ``language``, with each value written
    as ``{{ name }}``: a starting point an association can copy and reword. ``None`` when the
    wording cannot be shown that way (it counts things, e.g. "3 new comments")."""
    context = {name: "{{ " + name + " }}" for name in email_values_help(key)}
    try:
        with translation.override(language):
            subject = render_to_string(template_file(key, "subject"), context)
            body = render_to_string(template_file(key), context)
    except (TemplateSyntaxError, TemplateDoesNotExist, TypeError, ValueError):
        return None
    return " ".join(subject.split()), body


def _check_template(text: str) -> str:
    try:
        _engine.from_string(text)
    except TemplateSyntaxError as exc:
        raise forms.ValidationError(
            _("This is not a valid template: %(error)s. Write values as {{ name }}."),
            params={"error": exc},
            code="template_syntax",
        ) from None
    return text


def template_names(text: str) -> tuple[set[str], set[str]]:
    """(the values a template reads, the names it defines itself: loop and ``with``
    variables); a template that does not parse reads nothing (``_check_template`` says why)."""
    read: set[str] = set()
    defined: set[str] = set()

    def visit(value) -> None:
        if isinstance(value, FilterExpression):
            visit(value.var)
            for _function, arguments in value.filters:
                for _lookup, argument in arguments:
                    visit(argument)
        elif isinstance(value, Variable):
            if value.lookups:
                read.add(value.lookups[0])
        elif isinstance(value, Node):
            if isinstance(value, ForNode):
                defined.update([*value.loopvars, "forloop"])
            elif isinstance(value, WithNode):
                defined.update(value.extra_context)
            for attribute in vars(value).values():
                visit(attribute)
        elif isinstance(value, list | tuple | NodeList):
            for item in value:
                visit(item)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, TokenBase):  # an {% if %} condition
            for part in ("first", "second", "value"):
                visit(getattr(value, part, None))

    with contextlib.suppress(TemplateSyntaxError):
        visit(_engine.from_string(text).nodelist)
    return read, defined


class EmailTemplateForm(forms.ModelForm):
    key = forms.ChoiceField(label=_("e-mail"), choices=())

    class Meta:
        model = EmailTemplate
        fields = ["association", "key", "language", "subject", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", "---------"), *EMAILS.items()]
        names = ", ".join("{{ " + name + " }}" for name in email_values_help())
        self.fields["body"].help_text = _(
            "A Django template: write values as {{ name }} (%(names)s; the award adds "
            "{{ endorsement_number }} and {{ valid_through }}), and use {%% if note %%}…"
            "{%% endif %%} for a part that is only there sometimes."
        ) % {"names": names}

    def clean_subject(self):
        return _check_template(self.cleaned_data["subject"])

    def clean_body(self):
        return _check_template(self.cleaned_data["body"])

    def clean(self):
        """Refuse a value the e-mail does not have (``{{ nmae }}``): it would be sent empty."""
        cleaned = super().clean()
        key = cleaned.get("key")
        if not key:
            return cleaned
        allowed = set(email_values_help(key))
        for field in ("subject", "body"):
            if cleaned.get(field) is None:
                continue
            read, defined = template_names(cleaned[field])
            unknown = sorted(read - allowed - defined)
            if unknown:
                self.add_error(
                    field,
                    forms.ValidationError(
                        _(
                            "This e-mail has no value %(unknown)s. The values it may use: "
                            "%(allowed)s."
                        ),
                        params={
                            "unknown": ", ".join("{{ " + name + " }}" for name in unknown),
                            "allowed": ", ".join("{{ " + name + " }}" for name in sorted(allowed)),
                        },
                        code="template_unknown_value",
                    ),
                )
        return cleaned


@admin.register(EmailTemplate)
class EmailTemplateAdmin(AssociationScopedAdmin):
    """An association's own wording of an e-mail in one language; without one, the portal's.

    The page lists the values the wording may use and shows the portal's wording of the
    e-mail; the add page may name the e-mail (``?key=…&language=…``) to start from it.
    """

    form = EmailTemplateForm
    change_form_template = "admin/endorsement/emailtemplate/change_form.html"
    list_display = ["key_label", "language", "subject", "association", "updated"]
    list_filter = ["key", "language", ("association", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["subject", "body"]
    list_select_related = ["association"]

    @admin.display(description=_("e-mail"), ordering="key")
    def key_label(self, obj):
        return EMAILS.get(obj.key, obj.key)

    @staticmethod
    def requested(request) -> tuple[str, str]:
        key = request.GET.get("key", "")
        language = request.GET.get("language", "")
        return (
            key if key in EMAILS else "",
            language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE,
        )

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        key, language = self.requested(request)
        wording = email_default_wording(key, language) if key else None
        if wording is not None:
            initial["subject"], initial["body"] = wording
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            key, language = obj.key, obj.language
        else:
            key, language = self.requested(request)
        if key in EMAILS:
            wording = email_default_wording(key, language)
            context["default_key"] = EMAILS[key]
            if wording is not None:
                context["default_subject"], context["default_body"] = wording
        else:
            context["start_from"] = [
                (f"?key={name}&language={language}", label) for name, label in EMAILS.items()
            ]
        context["values_help"] = list(email_values_help(key).items())
        return super().render_change_form(request, context, add, change, form_url, obj)
