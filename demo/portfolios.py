"""The demo applicants' portfolios, entered through the portal's services: the evidence
(``demo.evidence``), the raters asked and answering through their links, the agreements signed
before submission, when the requirement check must find nothing missing."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Association
from competencies.models import Competency
from demo.evidence import demo_portfolio
from demo.trainings import TRAININGS
from endorsement.models import Application
from portfolios.agreements import agreement_sign, agreement_texts_in_force
from portfolios.enums import AgreementKind, RatingScore
from portfolios.models import Education, Reference, RSCEntry, Training, WorkExperience
from portfolios.references import reference_invite, reference_submit_rating
from portfolios.requirements import requirement_check
from portfolios.services import evidence_save

# The raters' scores, in turn over the items (each rater starts elsewhere in the cycle).
SCORES = (
    RatingScore.STRONG,
    RatingScore.COMPETENT,
    RatingScore.STRONG,
    RatingScore.EXCEPTIONAL,
    RatingScore.STRONG,
    RatingScore.COMPETENT,
)


def agreements_load(association: Association) -> None:
    """The shipped Code of Ethics and Endorsement Agreement (``load_agreements``)."""
    call_command("load_agreements", "--association", association.slug, verbosity=0)


def portfolio_enter(application: Application, *, on: datetime.date) -> None:
    """The applicant's evidence (``PORTFOLIOS``), entered ``on`` that day, about education,
    work and training before it. A complete portfolio's trainings address every competency
    item of the category (but those ``not_covered`` on purpose)."""
    user = application.applicant
    portfolio = demo_portfolio(application)
    prefix = application.association.number_prefix

    def years_before(years: float) -> datetime.date:
        return on - datetime.timedelta(days=round(years * 365.25))

    def months_before(months: int) -> datetime.date:
        return on - datetime.timedelta(days=round(months * 30.44))

    evidence = [
        Education(
            level=level,
            credential=credential,
            institution=institution,
            start=years_before(started),
            end=years_before(ended),
        )
        for level, credential, institution, started, ended in portfolio.education
    ]
    evidence += [
        WorkExperience(
            employer=work.employer,
            role=work.role,
            start=years_before(work.years_ago),
            end=None if work.until_years_ago is None else years_before(work.until_years_ago),
            hours_per_week=Decimal(work.hours_per_week),
            population_served=work.population,
            work_kind=work.kind,
            is_paid=True,
            is_dyadic=work.is_dyadic,
            supervisor_name=work.supervisor,
        )
        for work in portfolio.work
    ]
    evidence += [
        RSCEntry(
            provider_name=rsc.provider,
            provider_endorsement_number=rsc.number.format(prefix=prefix),
            format=rsc.format,
            start=months_before(rsc.months_ago),
            end=months_before(rsc.until_months_ago),
            hours=Decimal(rsc.hours),
            about_rsc_provided=rsc.about_rsc_provided,
        )
        for rsc in portfolio.rsc
    ]
    for instance in evidence:
        evidence_save(application=application, instance=instance, by=user)
    items = {item.name: item for item in Competency.objects.filter(categories=application.category)}
    known = set(
        Competency.objects.filter(area__framework=application.framework).values_list(
            "name", flat=True
        )
    )
    covered = set()
    for key, months in portfolio.trainings:
        title, provider, format_, hours, dei, rsc, names = TRAININGS[key]
        unknown = set(names) - known
        if unknown:
            raise CommandError(f"Training {key!r}: no such competency item {sorted(unknown)}.")
        addressed = [items[name] for name in names if name in items]
        covered |= {item.name for item in addressed}
        training = Training(
            title=title,
            provider=provider,
            hours=Decimal(hours),
            date=months_before(months),
            format=format_,
            is_dei=dei,
            is_rsc=rsc,
        )
        evidence_save(
            application=application,
            instance=training,
            by=user,
            save_m2m=lambda t=training, c=addressed: t.competencies.set(c),
        )
    uncovered = set(items) - covered
    if not portfolio.partial and uncovered != set(portfolio.not_covered):
        raise CommandError(
            f"{user.email}: the trainings leave {sorted(uncovered)} uncovered, "
            f"not {sorted(portfolio.not_covered)}."
        )


def references_ask(application: Application) -> None:
    """The applicant asks each of their raters (``PORTFOLIOS``) through the portal."""
    user = application.applicant
    for rater in demo_portfolio(application).raters:
        reference_invite(
            application=application,
            rater_name=rater.name,
            rater_email=rater.email,
            relationship=rater.relationship,
            waive=rater.waive,
            by=user,
        )


def reference_answer(application: Application, index: int) -> None:
    """The ``index``-th rater answers through their link: every item of the category, the
    first few "not enough information" where the rater says so."""
    rater = demo_portfolio(application).raters[index]
    reference = Reference.objects.get(application=application, rater_email=rater.email)
    items = Competency.objects.filter(categories=application.category).order_by(
        "area__order", "order", "id"
    )
    scores = {
        pk: RatingScore.NOT_ENOUGH_INFORMATION
        if i < rater.not_enough_information
        else SCORES[(i + 2 * index) % len(SCORES)]
        for i, pk in enumerate(items.values_list("pk", flat=True))
    }
    reference_submit_rating(reference=reference, scores=scores, comment=rater.comment)


def portfolio_sign_and_check(application: Application) -> None:
    """Before submitting: the applicant signs the agreements in force, and the requirement
    check (as the submit page makes it) must have nothing missing."""
    user = application.applicant
    association = application.association
    texts = agreement_texts_in_force(
        association=association, language=user.preferred_language, on=association.today()
    )
    for kind in AgreementKind.values:
        if kind in texts:
            agreement_sign(
                application=application,
                agreement=texts[kind],
                by=user,
                typed_name=user.full_name,
                ip_address="203.0.113.24",
            )
    missing = requirement_check(application=application).missing
    if missing:
        raise CommandError(
            f"{user.email} ({application.category.code}) cannot submit; missing: "
            + " ".join(item.detail for item in missing)
        )
