from django.db import models
from django.utils.translation import gettext_lazy as _


class TranscriptStatus(models.TextChoices):
    NOT_PROVIDED = "not_provided", _("No transcript yet")
    UPLOADED = "uploaded", _("Copy uploaded")
    OFFICIAL_RECEIVED = "official_received", _("Official transcript received")


class TrainingFormat(models.TextChoices):
    COLLEGE_COURSE = "college_course", _("College course")
    SERIES = "series", _("In-service series")
    WORKSHOP = "workshop", _("Workshop or in-service")
    CONFERENCE = "conference", _("Conference")
    ONLINE = "online", _("Online course")


class RSCFormat(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class RaterRelationship(models.TextChoices):
    CURRENT_SUPERVISOR = "current_supervisor", _("My current supervisor")
    RSC_PROVIDER = "rsc_provider", _("My reflective supervision/consultation provider")
    SUPERVISEE = "rsc_recipient", _("Someone who receives RS/C from me")
    OTHER = "any", _("Someone else who knows my work")


# The same relationships as others read them (reviewers, the advisor, the coordinator).
RELATIONSHIP_FOR_READERS = {
    RaterRelationship.CURRENT_SUPERVISOR: _("The applicant's current supervisor"),
    RaterRelationship.RSC_PROVIDER: _(
        "The applicant's reflective supervision/consultation provider"
    ),
    RaterRelationship.SUPERVISEE: _("Someone who receives RS/C from the applicant"),
    RaterRelationship.OTHER: _("Someone else who knows the applicant's work"),
}


class ReferenceStatus(models.TextChoices):
    INVITED = "invited", _("Invitation sent, waiting for the rating")
    COMPLETED = "completed", _("Rating received")
    NOT_COUNTED = "not_counted", _("Does not count: too many “not enough information” answers")
    REPLACED = "replaced", _("Replaced by another person")
    EXPIRED = "expired", _("The invitation expired")


class RatingScore(models.TextChoices):
    NOT_ENOUGH_INFORMATION = "nei", _("Not enough information")
    DEVELOPING = "1", _("Developing")
    COMPETENT = "2", _("Competent")
    STRONG = "3", _("Strong")
    EXCEPTIONAL = "4", _("Exceptional")


class AgreementKind(models.TextChoices):
    CODE_OF_ETHICS = "code_of_ethics", _("Code of Ethics")
    ENDORSEMENT_AGREEMENT = "endorsement_agreement", _("Endorsement Agreement")


class DocumentKind(models.TextChoices):
    TRANSCRIPT = "transcript", _("Transcript")
    CERTIFICATE = "certificate", _("Training certificate")
    ADD_ON = "add_on", _("Evidence for an add-on")
    OTHER = "other", _("Other")
