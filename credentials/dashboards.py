"""What credentials adds to lower apps' pages (imported from ``CredentialsConfig.ready``): the
holder's certificates and registry listing on their dashboard and the registry and its CSV on the
coordinator's (``accounts.dashboards``), the certificate on the coordinator's application page
(``endorsement.panels``)."""

import rules
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from accounts import dashboards
from accounts.enums import Role
from credentials.links import linkedin_add_url
from credentials.models import IssuerKey, NameChangeRequest, NameChangeState
from credentials.selectors import (
    application_certificate,
    association_certificate_tasks,
    endorsement_name_change_pending,
    holder_certificates,
)
from endorsement.enums import EndorsementStatus
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
    """The person's certificates, each with the way to ask for a change of name (or the
    request waiting); three queries."""
    certificates = holder_certificates(user=request.user)
    if not certificates:
        return {}
    pending = (
        NameChangeRequest.objects.filter(holder=request.user, state=NameChangeState.PENDING)
        .only("endorsement_id", "requested_name", "created")
        .first()
    )
    rows = []
    for certificate in certificates:
        row = certificate_context(certificate=certificate, user=request.user)
        if pending is not None:
            if pending.endorsement_id == certificate.endorsement_id:
                row["name_change_pending"] = pending
        elif certificate.endorsement.status != EndorsementStatus.REVOKED:
            row["name_change_url"] = reverse(
                "credentials:name_change.request", kwargs={"pk": certificate.endorsement_id}
            )
        rows.append(row)
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
    context["can_retry"] = certificate.state == "failed" and rules.has_perm(
        "credentials.retry_certificate", request.user, certificate
    )
    context["name_change"] = endorsement_name_change_pending(
        endorsement_id=certificate.endorsement_id
    )
    return Panel(template="credentials/_application_certificate.html", context=context)


@dashboards.register_tasks(Role.COORDINATOR)
def coordinator_certificate_tasks(request, association, context) -> list[dashboards.Task]:
    """Changes of name and requests for emeritus status to decide, certificates to produce
    again, transfers into the association, proofs of membership elsewhere and applications for
    add-on designations to decide (one query)."""
    rows = []
    for task in association_certificate_tasks(association=association):
        if task.kind == "add_on":
            rows.append(
                dashboards.Task(
                    kind=task.kind,
                    label=_("Decide the %(add_on)s of %(name)s (%(code)s)")
                    % {"add_on": task.add_on, "name": task.holder, "code": task.code},
                    url=reverse("portfolios:addon.detail", kwargs={"pk": task.object_id}),
                    priority=47,
                    since=task.since,
                )
            )
            continue
        if task.kind == "name_change":
            label = _("Decide the change of name of %(name)s (%(code)s)")
            url = reverse("credentials:name_change.decide", kwargs={"pk": task.object_id})
            priority = 45
        elif task.kind == "transfer":
            label = _("Accept or refuse the transfer of %(name)s (%(code)s)")
            url = reverse("endorsement:transfer.detail", kwargs={"pk": task.object_id})
            priority = 42
        elif task.kind == "membership_proof":
            # Billing's page (a sibling app): named, never imported.
            label = _("Confirm or refuse the proof of membership elsewhere of %(name)s")
            try:
                url = reverse("billing:membership.proof.decide", kwargs={"pk": task.object_id})
            except NoReverseMatch:
                continue
            priority = 44
        elif task.kind == "emeritus":
            label = _("Decide the request for emeritus status of %(name)s (%(code)s)")
            url = reverse("endorsement:emeritus.decide", kwargs={"pk": task.object_id})
            priority = 44
        else:
            label = _("Produce the certificate of %(name)s (%(code)s) again")
            url = (
                reverse("endorsement:detail", kwargs={"application_id": task.application_id})
                + "#certificate-heading"
            )
            priority = 46
        rows.append(
            dashboards.Task(
                kind=task.kind,
                label=label % {"name": task.holder, "code": task.code},
                url=url,
                priority=priority,
                since=task.since,
            )
        )
    return rows


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
