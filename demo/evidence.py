"""Each demo applicant's evidence (``PORTFOLIOS``): education, work, trainings, RS/C and raters,
dated from the day they entered it: years or months before."""

from dataclasses import dataclass

from competencies.enums import EducationLevel, WorkKind
from demo.trainings import ATTACHMENT, FOUNDATION_COURSES, MENTOR_COURSES
from endorsement.models import Application
from portfolios.enums import RaterRelationship, RSCFormat


@dataclass(frozen=True)
class Work:
    employer: str
    role: str
    kind: str
    years_ago: float  # started, years before the portfolio was entered
    until_years_ago: float | None  # ended; None: still there
    hours_per_week: int
    population: str
    supervisor: str
    is_dyadic: bool = True


@dataclass(frozen=True)
class RSC:
    provider: str
    number: str  # the provider's endorsement number; "{prefix}" is the association's
    format: str
    months_ago: int  # from, months before the portfolio was entered
    until_months_ago: int
    hours: int
    about_rsc_provided: bool = False


@dataclass(frozen=True)
class Rater:
    name: str
    email: str
    relationship: str
    comment: str
    waive: bool = False
    not_enough_information: int = 0  # the first items of the category, not rated


@dataclass(frozen=True)
class Portfolio:
    """An applicant's evidence. ``partial``: a portfolio still being built (no coverage check);
    ``not_covered``: competency items no training addresses, on purpose."""

    education: tuple[tuple[str, str, str, float, float], ...]  # level, credential, where, years
    work: tuple[Work, ...]
    trainings: tuple[tuple[str, int], ...]  # (TRAININGS key, months before)
    rsc: tuple[RSC, ...]
    raters: tuple[Rater, ...] = ()
    partial: bool = False
    not_covered: tuple[str, ...] = ()


def _courses(keys: list[str], *, start: int, every: int) -> tuple[tuple[str, int], ...]:
    """The trainings in ``keys``, the first ``start`` months before, then one every ``every``."""
    return tuple((key, start - i * every) for i, key in enumerate(keys))


PORTFOLIOS = {
    "ben": Portfolio(
        education=(
            (
                EducationLevel.CDA,
                "CDA credential, infant/toddler setting",
                "Northfield Community College",
                3,
                2,
            ),
        ),
        work=(
            Work(
                "Early Head Start of Northfield",
                "Home visitor",
                WorkKind.PAID_INFANT_FAMILY,
                3,
                None,
                35,
                "Families with infants and toddlers",
                "Sam Supervisor",
            ),
        ),
        trainings=(("foundations", 8), ("early_years", 6), ("culturally_responsive", 3)),
        rsc=(RSC("Robin Reflective", "{prefix}-IMHM-2019-0007", RSCFormat.GROUP, 12, 1, 14),),
        partial=True,
    ),
    "carla": Portfolio(
        education=(
            (EducationLevel.MASTER, "MSW, clinical social work", "Lakeshore University", 7, 5),
            (
                EducationLevel.MH_LICENSE,
                "Licensed Clinical Social Worker (LCSW)",
                "State Board of Behavioral Health",
                5,
                4,
            ),
        ),
        work=(
            Work(
                "Northfield Early Head Start",
                "Home visitor",
                WorkKind.PAID_INFANT_FAMILY,
                9,
                7,
                35,
                "Families with infants and toddlers",
                "Marcus Bell",
            ),
            Work(
                "Riverbend Family Counseling",
                "Infant–parent psychotherapist",
                WorkKind.POSTGRAD_DYADIC,
                4.5,
                None,
                40,
                "Parents and babies referred by pediatric clinics and child welfare",
                "Dr. Helen Okafor",
            ),
        ),
        trainings=(
            *_courses(FOUNDATION_COURSES, start=52, every=5),
            ("cpp", 20),
            ("parental_mental_health", 9),
        ),
        rsc=(
            RSC(
                "Dr. Miriam Castellanos", "{prefix}-IMHM-2015-0021", RSCFormat.INDIVIDUAL, 20, 1, 38
            ),
            RSC("Dr. Miriam Castellanos", "{prefix}-IMHM-2015-0021", RSCFormat.GROUP, 14, 1, 18),
        ),
        raters=(
            Rater(
                "Dr. Helen Okafor",
                "helen.okafor@riverbend.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Carla builds trust with families quickly and writes careful, useful notes.",
            ),
            Rater(
                "Dr. Miriam Castellanos",
                "m.castellanos@example.org",
                RaterRelationship.RSC_PROVIDER,
                "Open to reflection; she notices her own responses and uses them in her work.",
                waive=True,
            ),
            Rater(
                "Dr. Samuel Reyes",
                "samuel.reyes@northfield-pediatrics.example.org",
                RaterRelationship.OTHER,
                "Our clinic refers families to Carla; she keeps us informed and involved.",
            ),
        ),
    ),
    "dmitri": Portfolio(
        education=(
            (
                EducationLevel.MASTER,
                "MA, clinical psychology",
                "Northfield State University",
                16,
                14,
            ),
        ),
        work=(
            Work(
                "Harbor Infant Mental Health Clinic",
                "Infant mental health therapist",
                WorkKind.POSTGRAD_DYADIC,
                13.5,
                6,
                40,
                "Infants, toddlers and their parents",
                "Linda Marsh",
            ),
            Work(
                "Harbor Infant Mental Health Clinic",
                "Clinical director",
                WorkKind.PRACTICE_LEADER,
                6,
                None,
                40,
                "A team of twelve infant mental health clinicians",
                "Linda Marsh",
                is_dyadic=False,
            ),
            Work(
                "Northfield County Home Visiting",
                "Reflective supervisor (contract)",
                WorkKind.PROVIDING_RSC,
                10,
                None,
                12,
                "Home visitors and their supervisors",
                "Grace Whitaker",
                is_dyadic=False,
            ),
        ),
        trainings=_courses(MENTOR_COURSES, start=110, every=9),
        rsc=(
            RSC("Dr. Joan Whitfield", "{prefix}-IMHM-2012-0003", RSCFormat.INDIVIDUAL, 22, 1, 30),
            RSC(
                "Dr. Joan Whitfield",
                "{prefix}-IMHM-2012-0003",
                RSCFormat.GROUP,
                20,
                1,
                28,
                about_rsc_provided=True,
            ),
        ),
        raters=(
            Rater(
                "Linda Marsh",
                "linda.marsh@harbor-imh.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Dmitri leads the clinic's practice with steadiness and warmth.",
            ),
            Rater(
                "Dr. Joan Whitfield",
                "joan.whitfield@example.org",
                RaterRelationship.RSC_PROVIDER,
                "A thoughtful supervisor who brings real curiosity to consultation.",
                waive=True,
            ),
            Rater(
                "Kayla Brooks",
                "kayla.brooks@northfield-homevisiting.example.org",
                RaterRelationship.SUPERVISEE,
                "His reflective supervision has changed how our team works with families.",
            ),
        ),
    ),
    "gus": Portfolio(
        education=(
            (
                EducationLevel.ASSOCIATE,
                "AA, early childhood education",
                "Lakeshore Community College",
                8,
                6,
            ),
        ),
        work=(
            Work(
                "Lakeshore Healthy Start",
                "Family support specialist",
                WorkKind.PAID_INFANT_FAMILY,
                4,
                None,
                40,
                "Expectant parents and families with babies under 2",
                "Carmen Ruiz",
            ),
        ),
        # No training about attachment, separation, trauma, grief and loss: the reviewers ask
        # for one.
        trainings=_courses(["early_years", *FOUNDATION_COURSES[1:]], start=34, every=5),
        rsc=(RSC("Tomás Alvarez", "{prefix}-IFS-2018-0044", RSCFormat.GROUP, 16, 1, 26),),
        raters=(
            Rater(
                "Carmen Ruiz",
                "carmen.ruiz@lakeshore-healthystart.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Gus is reliable and families ask for him by name.",
            ),
            # The RS/C group met monthly: five items the provider could not judge (the most that
            # still counts), which the reviewers ask him to have rated more fully.
            Rater(
                "Tomás Alvarez",
                "tomas.alvarez@example.org",
                RaterRelationship.RSC_PROVIDER,
                "I see Gus in a monthly group only, so some items I cannot judge.",
                not_enough_information=5,
            ),
            Rater(
                "Beth Sandoval, RN",
                "beth.sandoval@lakeshore-health.example.org",
                RaterRelationship.OTHER,
                "We visit families together; Gus is patient and observant.",
            ),
        ),
        not_covered=(ATTACHMENT,),
    ),
    "erin": Portfolio(
        education=((EducationLevel.MASTER, "MSW, social work", "Lakeshore University", 15, 13),),
        work=(
            Work(
                "Lakeshore Children's Hospital, Infant–Parent Program",
                "Infant–parent psychotherapist",
                WorkKind.POSTGRAD_DYADIC,
                12,
                4.5,
                40,
                "Infants and toddlers with their parents, hospital and home based",
                "Dr. Robert Chen",
            ),
            Work(
                "Lakeshore Children's Hospital, Infant–Parent Program",
                "Program manager",
                WorkKind.PRACTICE_LEADER,
                4.5,
                None,
                40,
                "The program's clinical and home-visiting staff",
                "Dr. Robert Chen",
                is_dyadic=False,
            ),
            Work(
                "Lakeshore Early Intervention Network",
                "Reflective consultant",
                WorkKind.PROVIDING_RSC,
                9,
                None,
                14,
                "Early intervention providers",
                "Sandra Boyle",
                is_dyadic=False,
            ),
        ),
        trainings=(
            *_courses(MENTOR_COURSES, start=96, every=8),
            ("diagnostic_classification", 7),
        ),
        rsc=(
            RSC("Patricia Nowak", "{prefix}-IMHM-2014-0010", RSCFormat.INDIVIDUAL, 24, 2, 32),
            RSC(
                "Patricia Nowak",
                "{prefix}-IMHM-2014-0010",
                RSCFormat.INDIVIDUAL,
                18,
                2,
                26,
                about_rsc_provided=True,
            ),
        ),
        raters=(
            Rater(
                "Dr. Robert Chen",
                "robert.chen@lakeshore-childrens.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Erin runs our program with skill; staff and families trust her.",
            ),
            Rater(
                "Patricia Nowak",
                "patricia.nowak@example.org",
                RaterRelationship.RSC_PROVIDER,
                "Erin reflects deeply and holds the parallel process with care.",
            ),
            Rater(
                "Jasmine Ortiz",
                "jasmine.ortiz@lakeshore-ei.example.org",
                RaterRelationship.SUPERVISEE,
                "Erin helps me slow down and think about what a baby is telling us.",
                waive=True,
            ),
        ),
    ),
    "hana": Portfolio(
        education=(
            (
                EducationLevel.DOCTORATE,
                "PsyD, clinical psychology",
                "Great Lakes School of Professional Psychology",
                14,
                10,
            ),
        ),
        work=(
            Work(
                "Northfield Family Center",
                "Staff psychologist, infant and early childhood team",
                WorkKind.POSTGRAD_DYADIC,
                10,
                5,
                40,
                "Children under 3 and their caregivers",
                "Dr. Michael Adeyemi",
            ),
            Work(
                "Northfield Family Center",
                "Clinical team lead",
                WorkKind.PRACTICE_LEADER,
                5,
                None,
                40,
                "The infant and early childhood team",
                "Dr. Michael Adeyemi",
                is_dyadic=False,
            ),
            Work(
                "Northfield Family Center",
                "Reflective supervisor",
                WorkKind.PROVIDING_RSC,
                8,
                None,
                15,
                "Clinicians and family support staff",
                "Dr. Michael Adeyemi",
                is_dyadic=False,
            ),
        ),
        trainings=(
            *_courses(MENTOR_COURSES, start=84, every=7),
            ("equity_in_supervision", 5),
        ),
        rsc=(
            RSC("Dr. Ruth Lindqvist", "{prefix}-IMHM-2011-0002", RSCFormat.INDIVIDUAL, 21, 1, 27),
            RSC(
                "Dr. Ruth Lindqvist",
                "{prefix}-IMHM-2011-0002",
                RSCFormat.GROUP,
                21,
                1,
                30,
                about_rsc_provided=True,
            ),
        ),
        raters=(
            Rater(
                "Dr. Michael Adeyemi",
                "michael.adeyemi@northfield-family.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Hana is an excellent clinician and a generous team lead.",
            ),
            Rater(
                "Dr. Ruth Lindqvist",
                "ruth.lindqvist@example.org",
                RaterRelationship.RSC_PROVIDER,
                "Hana uses consultation well and is honest about what is hard.",
            ),
            Rater(
                "Daniel Kim",
                "daniel.kim@northfield-family.example.org",
                RaterRelationship.SUPERVISEE,
                "Her supervision is safe, curious and practical.",
            ),
        ),
    ),
    "farah": Portfolio(
        education=(
            (
                EducationLevel.BACHELOR,
                "BA, child development",
                "Northfield State University",
                11,
                7,
            ),
        ),
        work=(
            Work(
                "Northfield County Early Intervention",
                "Early intervention service coordinator",
                WorkKind.PAID_INFANT_FAMILY,
                6,
                None,
                37,
                "Infants and toddlers with developmental delays and their families",
                "Olivia Grant",
            ),
        ),
        trainings=_courses(FOUNDATION_COURSES, start=40, every=6),
        rsc=(RSC("Denise Harmon", "{prefix}-IMHM-2016-0012", RSCFormat.INDIVIDUAL, 20, 1, 30),),
        raters=(
            Rater(
                "Olivia Grant",
                "olivia.grant@northfield-ei.example.org",
                RaterRelationship.CURRENT_SUPERVISOR,
                "Farah is organised, kind and clear with families and colleagues.",
            ),
            Rater(
                "Denise Harmon",
                "denise.harmon@example.org",
                RaterRelationship.RSC_PROVIDER,
                "She brings hard cases to supervision and reflects on them well.",
                waive=True,
            ),
            Rater(
                "Priya Natarajan",
                "priya.natarajan@northfield-ei.example.org",
                RaterRelationship.OTHER,
                "A dependable colleague; our shared families feel heard.",
            ),
        ),
    ),
}


def demo_portfolio(application: Application) -> Portfolio:
    """The demo applicant's evidence, by the name before the @ of their e-mail (ana, ben …)."""
    return PORTFOLIOS[application.applicant.email.split("@")[0]]


# The holders of the renewal demo (``demo.lifecycle``) built the same IFS portfolio as Farah.
for _holder in ("leo", "kim", "jon", "ivy"):
    PORTFOLIOS[_holder] = PORTFOLIOS["farah"]
