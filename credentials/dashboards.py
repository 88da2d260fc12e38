"""What credentials adds to lower apps' pages (imported from ``CredentialsConfig.ready``): the
holder's certificates and registry listing on their dashboard and the registry and its CSV on the
coordinator's (``accounts.dashboards``), the certificate on the coordinator's application page
(``endorsement.panels``)."""

from django.urls import reverse

from accounts import dashboards
from accounts.enums import Role
from credentials.links import linkedin_add_url
from credentials.models import IssuerKey
from credentials.selectors import application_certificate, holder_certificates
from endorsement.panels import Panel, register_application_panel

PANEL_TEMPLATE = "credentials/_dashboard_certificates.html"


def certificate_context(*, certificate, user) -> dict:
    """What the certificate's block shows to ``user`` (no query: the certificate was read with
    its endorsement, association, category and holder)."""
    endorsement = certificate.endorsement
    linkedin = ""
    if certificate.is_ready and endorsement.holder_id == user.pk:
        linkedin = linkedin_add_url(
            name=endorsement.category.display_name,
            organization=endorsement.association.name,
            issued=endorsement.awarded_on,
            expires=endorsement.valid_through,
            number=endorsement.number,
        )
    return {"certificate": certificate, "endorsement": endorsement, "linkedin_url": linkedin}


def signing_associations(association_ids) -> set[int]:
    """Which of the associations have a current signing key (one query): their holders can
    download their endorsement's Open Badges credential."""
    return set(
        IssuerKey.objects.filter(
            association_id__in=set(association_ids), retired_at__isnull=True
        ).values_list("association_id", flat=True)
    )


def badge_links(endorsement) -> dict:
    return {
        "badge_url": reverse("credentials:badge.download", kwargs={"pk": endorsement.pk}),
        "badge_json_url": reverse("credentials:badge.json", kwargs={"pk": endorsement.pk}),
    }


@dashboards.register(dashboards.APPLICANT)
def holder_certificates_panel(request, association) -> dict:
    rows = [
        certificate_context(certificate=certificate, user=request.user)
        for certificate in holder_certificates(user=request.user)
    ]
    if not rows:
        return {}
    signing = signing_associations(row["endorsement"].association_id for row in rows)
    for row in rows:
        if row["endorsement"].association_id in signing:
            row.update(badge_links(row["endorsement"]))
    return {"certificates": rows, "applicant_panels": [PANEL_TEMPLATE]}


@register_application_panel
def application_certificate_panel(request, application):
    if application.state != "awarded":
        return None
    certificate = application_certificate(application_id=application.pk)
    if certificate is None:
        return None
    context = certificate_context(certificate=certificate, user=request.user)
    if signing_associations([certificate.endorsement.association_id]):
        context.update(badge_links(certificate.endorsement))
    return Panel(template="credentials/_application_certificate.html", context=context)


@dashboards.register_section(dashboards.APPLICANT)
def applicant_listing(request, association, context):
    """Each of the person's endorsements, listed or not, with the link to change it; read from
    the applications the dashboard already loaded (no query; nothing when they hold none)."""
    rows = [
        {
            "endorsement": application.endorsement_row,
            "association": application.association,
            "category": application.category,
        }
        for application in context.get("applications", [])
        if getattr(application, "endorsement_row", None) is not None
    ]
    if not rows:
        return None
    return dashboards.Section(template="credentials/_dashboard_listing.html", data={"rows": rows})


@dashboards.register_section(Role.COORDINATOR)
def coordinator_registry(request, association, context):
    """The association's public registry and its CSV (no query)."""
    return dashboards.Section(
        template="credentials/_dashboard_registry.html",
        data={
            "registry_url": reverse("credentials:registry", kwargs={"slug": association.slug}),
            "csv_url": reverse("credentials:registry.csv", kwargs={"slug": association.slug}),
        },
    )
