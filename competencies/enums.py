from django.db import models
from django.utils.translation import gettext_lazy as _


class Family(models.TextChoices):
    INFANT = "infant", _("Infant family (birth to 36 months)")
    EARLY_CHILDHOOD = "early_childhood", _("Early childhood (3 up to 6 years)")


class Track(models.TextChoices):
    NONE = "", _("No track")
    CLINICAL = "clinical", _("Clinical")
    POLICY = "policy", _("Policy")
    RESEARCH_FACULTY = "research_faculty", _("Research/Faculty")


class EducationLevel(models.TextChoices):
    """Ordered from lowest to highest; a higher degree satisfies a lower requirement."""

    NONE = "none", _("No degree")
    CDA = "cda", _("Child Development Associate (CDA) credential")
    ASSOCIATE = "associate", _("Associate's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's degree")
    DOCTORATE = "doctorate", _("Doctorate")
    MH_LICENSE = "mh_license", _("Mental-health licence")


class RequirementKind(models.TextChoices):
    EDUCATION = "education", _("Education")
    WORK = "work", _("Work experience")
    TRAINING = "training", _("Specialized in-service training")
    RSC = "rsc", _("Reflective supervision/consultation")
    REFERENCE = "reference", _("Reference rating")
    EXAM = "exam", _("Exam part")
    RENEWAL_TRAINING = "renewal_training", _("Renewal: training")
    RENEWAL_RSC = "renewal_rsc", _("Renewal: reflective supervision/consultation")


class TrainingTopic(models.TextChoices):
    ANY = "", _("any topic")
    IMH = "imh", _("infant and early childhood mental health")
    RSC = "rsc", _("providing reflective supervision/consultation")
    DEI = "dei", _("diversity, equity and inclusion")


class RSCTopic(models.TextChoices):
    RECEIVED = "", _("received")
    ABOUT_RSC_PROVIDED = "about_rsc_provided", _("about the RS/C the applicant provides")


class WorkKind(models.TextChoices):
    RELATED = "related", _("work related to infants, young children and families")
    PAID_INFANT_FAMILY = "paid_infant_family", _("paid work with infants/toddlers and families")
    PAID_EARLY_CHILDHOOD = (
        "paid_early_childhood",
        _("paid work with young children (3 up to 6 years) and their families"),
    )
    POSTGRAD_DYADIC = "postgrad_dyadic", _("post-graduate, dyadic parent–infant work")
    POSTGRAD_DYADIC_EARLY_CHILDHOOD = (
        "postgrad_dyadic_ec",
        _("post-graduate, dyadic parent–child work with children 3 up to 6 years"),
    )
    PROVIDING_RSC = "providing_rsc", _("providing reflective supervision/consultation")
    PRACTICE_LEADER = "practice_leader", _("leadership in practice")
    POLICY_LEADERSHIP = "policy_leadership", _("leadership in policy or program administration")
    TEACHING_RESEARCH = (
        "teaching_research",
        _("leadership in university teaching and/or published research"),
    )


class ReferenceKind(models.TextChoices):
    CURRENT_SUPERVISOR = "current_supervisor", _("current supervisor")
    RSC_PROVIDER = "rsc_provider", _("reflective supervision/consultation provider")
    RSC_RECIPIENT = "rsc_recipient", _("someone who receives RS/C from the applicant")
    ANY = "any", _("anyone who knows the applicant's work")


class ExamKind(models.TextChoices):
    MULTIPLE_CHOICE = "multiple_choice", _("multiple-choice questions")
    VIGNETTES = "vignettes", _("written vignettes")
