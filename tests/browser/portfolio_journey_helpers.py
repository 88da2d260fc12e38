"""Who takes the portfolio journey (tests/browser/test_portfolio_journey.py) and what they bring:
the ``Journey`` (language, name, the words on the pages), a small PDF transcript, trainings in a
CSV file in English and in Spanish; dates, the e-mails sent."""

import datetime
from dataclasses import dataclass

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

PASSWORD = "Kangaroo-Lantern-42"
ASSOCIATION = "Northfield Association for Infant Mental Health"
IFS = "Infant Family Specialist"


def small_pdf() -> bytes:
    """A small, valid PDF: one empty page, with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    pdf = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return pdf


# Trainings as an applicant keeps them in a spreadsheet: 28 hours, 6 of them on diversity,
# equity and inclusion; the competency items are those of IFS, by name.
CSV_ENGLISH = (
    "title,provider,date,hours,format,competencies,dei,rsc\r\n"
    "Foundations of infant mental health,Northfield University,2025-02-14,12,workshop,"
    '"Pregnancy & early parenthood; Infant/very young child development & behavior; '
    'Relationship-focused practice",no,no\r\n'
    "Working with families across cultures,Northfield University,2025-05-09,6,workshop,"
    '"Cultural competence; Family relationships & dynamics",yes,no\r\n'
    "Observation in home visiting,Early Head Start Network,2025-09-20,10,conference,"
    '"Observation & listening; Screening & assessment; Responding with empathy",no,no\r\n'
)
# The same from a spreadsheet in Spanish: Spanish column names and words, semicolons, dates as
# MM/DD/YYYY and a decimal comma, as Excel writes them in many Latin American locales (a cell
# holding the separator is quoted).
CSV_SPANISH = (
    "título;proveedor;fecha;horas;formato;competencias;dei;sc/r\r\n"
    "Fundamentos de la salud mental infantil;Universidad de Northfield;02/14/2025;12;taller;"
    '"Pregnancy & early parenthood; Infant/very young child development & behavior; '
    'Relationship-focused practice";no;no\r\n'
    "Trabajo con familias de distintas culturas;Universidad de Northfield;05/09/2025;6;taller;"
    '"Cultural competence; Family relationships & dynamics";sí;no\r\n'
    "Observación en las visitas domiciliarias;Red Early Head Start;09/20/2025;9,5;conferencia;"
    '"Observation & listening; Screening & assessment; Responding with empathy";no;no\r\n'
)


@dataclass
class Journey:
    """Who takes the journey, in which language, and the words they see on the pages."""

    language: str  # the code of the applicant's language: "en" or "es"
    language_name: str  # as the sign-up form shows it
    full_name: str
    short_name: str
    email: str
    csv: str
    csv_hours: str  # the hours of the imported rows, as the pages write them
    total_hours: str  # with the training added by hand
    typed: dict[str, str]  # what the applicant and the raters write, in their language
    words: dict[str, str] | None = None  # English on the page -> this language; None: English

    def t(self, text: str, **values) -> str:
        """The page's words for this English text (from the catalogue), with the values in."""
        if self.words is not None:
            text = self.words[text]
        return text.format(**values) if values else text

    def data(self, text: str) -> str:
        """A text of the framework data (area, item) as the pages show it in this language."""
        with translation.override(self.language):
            return gettext(text)


def months_ago(today: datetime.date, months: int) -> datetime.date:
    """The first day of the month ``months`` before this one."""
    index = today.year * 12 + today.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, 1)


def last_mail_to(address: str):
    return [message for message in mail.outbox if message.to == [address]][-1]
