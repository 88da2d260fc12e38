"""The reference e-mails, registered with the one e-mail door
(``endorsement.emails.register_emails``) when the app loads; their default wording is in
``portfolios/templates/portfolios/emails/``. Raters need no account: these go to an address."""

from django.utils.translation import gettext_lazy as _

from endorsement.emails import register_emails

RATER_VALUES = {
    "rater": _("the rater's name"),
    "applicant": _("the applicant's name"),
    "association": _("your association's name"),
    "category": _("the endorsement category's name"),
    "role": _("how the rater knows the applicant, e.g. their current supervisor"),
    "items": _("how many competency items the rater rates"),
    "minutes": _("about how many minutes the rating takes"),
    "deadline": _("the date the link stops working"),
    "link": _("the rater's personal link to the rating form"),
    "is_new_link": _("whether this link replaces an earlier one"),
    "waived": _("whether the applicant waived the right to see the rating"),
    "limit": _("how many “not enough information” answers a rating may have"),
}
APPLICANT_VALUES = {
    "rater": _("the rater's name"),
    "applicant": _("the applicant's first name"),
    "association": _("your association's name"),
    "waived": _("whether the applicant waived the right to see the rating"),
    "nei": _("how many “not enough information” answers the rating has"),
    "limit": _("how many “not enough information” answers a rating may have"),
    "months": _("how many months a rating counts"),
    "link": _("the link to the applicant's references page"),
}

register_emails(
    folder="portfolios/emails",
    emails={
        "reference_invitation": _("Asked for a reference rating (to the rater)"),
        "reference_received": _("A reference rating arrived (to the applicant)"),
        "reference_not_counted": _(
            "A reference rating does not count: too many “not enough information” answers "
            "(to the applicant)"
        ),
    },
    values={
        "reference_invitation": RATER_VALUES,
        "reference_received": APPLICANT_VALUES,
        "reference_not_counted": APPLICANT_VALUES,
    },
    secret={"reference_invitation": ["link"]},
)
