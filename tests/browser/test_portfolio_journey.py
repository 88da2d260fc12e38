"""The whole journey in the browser, in English and in Spanish (issue 3, item 8).

An applicant signs up, confirms the e-mail address, checks which category fits and registers for
IFS; the coordinator accepts the registration in another browser; the applicant fills every
section (a transcript upload, work, trainings imported from a CSV file and one added by hand,
RS/C), asks three raters, who rate through the e-mailed links in their own browsers without an
account (one answers "not enough information" too often, the rating does not count and the
applicant replaces that rater), signs both agreements; the checklist turns complete and the
portfolio is submitted. axe-core checks every page at desktop and phone widths.

The Spanish journey is the same, driven by the Spanish words on the pages: the applicant chooses
Español when signing up, from a browser set to English, and the portal keeps her choice; her
raters get Spanish e-mails and forms. The coordinator works in English.
"""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.management import call_command
from django.utils import timezone

from accounts.enums import Role
from tests.browser.effort import Counts, Effort, report
from tests.browser.portfolio_journey_helpers import CSV_ENGLISH, CSV_SPANISH, Journey
from tests.browser.portfolio_journey_steps import (
    add_rsc,
    add_training,
    check_and_register,
    coordinator_accepts,
    fill_education,
    fill_references,
    fill_work,
    import_trainings,
    open_portfolio,
    sign_agreements,
    sign_up,
    submit,
)
from tests.factories import RoleGrantFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.CLAMAV_SOCKET = ""
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""


@pytest.fixture
def northfield(association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    call_command("load_agreements", "--association", association.slug, verbosity=0)
    return association


@pytest.fixture
def coordinator(northfield):
    """A coordinator of the association with an authenticator app set up: (e-mail, secret)."""
    grant = RoleGrantFactory(
        association=northfield,
        role=Role.COORDINATOR,
        user__email="casey@example.org",
        user__full_name="Casey Coordinator",
    )
    secret = generate_totp_secret()
    TOTP.activate(grant.user, secret)
    return grant.user.email, secret


# What the usability study counted for the applicant, from sign-up to a submitted IFS portfolio,
# before issue 9: the journey must cost less than this.
BEFORE_ISSUE_9 = Counts(loads=50, fields=62, clicks=58)


def take_the_journey(page, browser, live_server, association, coordinator, tmp_path, who):
    today = timezone.localdate()
    effort = Effort.watch(page)
    sign_up(page, live_server, who)
    application = check_and_register(page, association, who)
    coordinator_accepts(browser, live_server, coordinator, who)
    open_portfolio(page, who, application)
    fill_education(page, who, application, tmp_path)
    fill_work(page, who, application, today)
    import_trainings(page, who, application, tmp_path)
    add_training(page, who, application)
    add_rsc(page, who, application, today)
    fill_references(page, browser, live_server, who, application)
    sign_agreements(page, who, application)
    submit(page, who, application)
    counts = effort.counts()
    report(f"The applicant's IFS journey ({who.language}), sign-up to submission", counts)
    assert counts.loads < BEFORE_ISSUE_9.loads, (counts, effort.pages)
    assert counts.fields < BEFORE_ISSUE_9.fields, counts
    assert counts.clicks < BEFORE_ISSUE_9.clicks, counts


def test_the_whole_journey_in_english(
    page, browser, live_server, northfield, coordinator, tmp_path
):
    who = Journey(
        language="en",
        language_name="English",
        full_name="Ana María Pérez",
        short_name="Ana",
        email="ana.perez@example.org",
        csv=CSV_ENGLISH,
        csv_hours="28",
        total_hours="32",
        typed={
            "note": "I am a home visitor with Early Head Start.",
            "credential": "BA in Child Development",
            "role": "Home visitor",
            "population": "Families with infants and toddlers",
            "training": "Attachment, separation and loss",
            "comment": "A warm, careful listener.",
        },
    )
    take_the_journey(page, browser, live_server, northfield, coordinator, tmp_path, who)


# The Spanish words of the pages, as the catalogue (locale/es/LC_MESSAGES/django.po) has them.
SPANISH = {
    # Dashboard and start
    "Welcome, {name}": "Le damos la bienvenida, {name}",
    "Start an application": "Comenzar una solicitud",
    "Membership is required: join {name}": "Se requiere la membresía: hágase miembro de {name}",
    "You are a member of {name} until": "Usted es miembro de {name} hasta el",
    "Which category fits you?": "¿Qué categoría le corresponde?",
    "Your highest education": "Su nivel de estudios más alto",
    "Years of paid work with infants or young children": (
        "Años de trabajo remunerado con bebés o niños pequeños"
    ),
    "Hours of specialized in-service training so far": (
        "Horas de capacitación especializada en servicio hasta ahora"
    ),
    "Hours of reflective supervision/consultation (RS/C) received": (
        "Horas de supervisión/consulta reflexiva (SC/R) recibidas"
    ),
    "Show the categories that fit": "Mostrar las categorías que le corresponden",
    "You need 10 more hours of training.": "Le faltan 10 horas más de capacitación.",
    "Register for {code}": "Inscribirse en {code}",
    "Register for {name} ({code})": "Inscribirse en {name} ({code})",
    "Years of related work": "Años de trabajo relacionado",
    "Anything the coordinator should know (optional)": (
        "Lo que la persona coordinadora debería saber (opcional)"
    ),
    "Register": "Inscribirse",
    "Waiting for the coordinator to accept your registration.": (
        "Esperando a que la persona coordinadora acepte su inscripción."
    ),
    "Your registration for {category} is accepted": "Su inscripción en {category} fue aceptada",
    "Open your portfolio ({code})": "Abrir su portafolio ({code})",
    "Dashboard": "Mi panel",
    # Portfolio: summary and sections
    "Your portfolio: {category}": "Su portafolio: {category}",
    "requirements met": "requisitos cumplidos",
    "Portfolio sections": "Secciones del portafolio",
    "Summary and checklist": "Resumen y lista de verificación",
    "Met": "Cumplido",
    "Not met": "No cumplido",
    "Save": "Guardar",
    "Saved.": "Guardado.",
    "Education": "Educación",
    "Add education": "Agregar estudios",
    "Level": "Nivel",
    "Credential or degree": "Credencial o título",
    "Institution": "Institución",
    "Started": "Fecha de inicio",
    "Completed": "Fecha de finalización",
    "Transcript (a copy)": "Copia del expediente académico (transcript)",
    "Copy uploaded": "Copia subida",
    "Work experience": "Experiencia laboral",
    "Add work experience": "Agregar experiencia laboral",
    "Employer": "Empleador",
    "Your role or job title": "Su función o puesto",
    "Hours per week": "Horas por semana",
    "Population served": "Población atendida",
    "Kind of work": "Tipo de trabajo",
    "Paid work": "Trabajo remunerado",
    "with infants or young children and their families together": (
        "con bebés o niños pequeños junto con sus familias"
    ),
    "Supervisor's name": "Nombre del/de la supervisor/a",
    "Supervisor's e-mail": "Correo electrónico del/de la supervisor/a",
    "Do your years count?": "¿Cuentan sus años?",
    "Work experience: ": "Experiencia laboral: ",
    "Training": "Capacitación",
    "Specialized in-service training": "Capacitación especializada en servicio",
    "Import many trainings from a spreadsheet": (
        "Importar muchas capacitaciones desde una hoja de cálculo"
    ),
    "Spreadsheet saved as CSV": "Hoja de cálculo guardada como CSV",
    "Check the file": "Revisar el archivo",
    "Check the rows before importing": "Revise las filas antes de importarlas",
    "3 rows can be imported.": "Se pueden importar 3 filas.",
    "Rows with errors": "Filas con errores",
    "Import the {count} valid rows": "Importar las {count} filas válidas",
    "Import finished": "Importación terminada",
    "3 trainings from “trainings.csv” were added to your portfolio.": (
        "Se agregaron a su portafolio 3 capacitaciones de “trainings.csv”."
    ),
    "See your trainings": "Ver sus capacitaciones",
    "{count} trainings": "{count} capacitaciones",
    "Total: {total} hours ({dei} on diversity, equity and inclusion; {rsc} on providing RS/C).": (
        "Total: {total} horas ({dei} sobre diversidad, equidad e inclusión; {rsc} sobre cómo "
        "brindar SC/R)."
    ),
    "Add a training": "Agregar una capacitación",
    "Title": "Título",
    "Provider": "Proveedor/a",
    "Date": "Fecha",
    "Hours": "Horas",
    "Format": "Formato",
    "Training: {have} of 30 hours": "Capacitación: {have} de 30 horas",
    "Reflective supervision/consultation": "Supervisión/consulta reflexiva",
    "Add reflective supervision/consultation": "Agregar supervisión/consulta reflexiva",
    "Provider's name": "Nombre de quien brinda la SC/R",
    "Provider's endorsement number": "Número de Endoso de quien brinda la SC/R",
    "Individual": "Individual",
    "From": "Desde",
    "To": "Hasta",
    "30 of 24 hours within 24 months": "30 de 24 horas dentro de 24 meses",
    # References, and the rater's page
    "References": "Referencias",
    "Ask someone for a rating": "Pedir una evaluación a alguien",
    "Their full name": "Nombre completo de la persona",
    "Their e-mail address": "Correo electrónico de la persona",
    "How do they know your work?": "¿Cómo conoce esta persona su trabajo?",
    "Language of the e-mail and form they receive": (
        "Idioma del correo electrónico y del formulario que recibirá"
    ),
    "Send and ask someone else": "Enviar y pedírselo a otra persona",
    "Send the invitation": "Enviar la invitación",
    "We sent {name} an e-mail with a personal link to rate you.": (
        "Le enviamos a {name} un correo electrónico con un enlace personal para que evalúe su "
        "trabajo."
    ),
    "References: 0 of 3 received, supervisor, RS/C provider and 1 other pending": (
        "Referencias: 0 de 3 recibidas; pendientes: supervisor/a, SC/R (quien se la brinda) y 1 más"
    ),
    "References: 2 of 3 received, 1 other pending": (
        "Referencias: 2 de 3 recibidas; pendientes: 1 más"
    ),
    "References: 3 of 3 received": "Referencias: 3 de 3 recibidas",
    "{applicant} asks you for a reference rating": (
        "{applicant} le pide una evaluación de referencia"
    ),
    "Reference rating for {applicant}": "Evaluación de referencia para {applicant}",
    "Not enough information": "No hay suficiente información",
    "Strong": "Sólido",
    "Comments (optional)": "Comentarios (opcional)",
    "Send my rating": "Enviar mi evaluación",
    "Thank you": "Gracias",
    "Your rating of {applicant} is sent to {association}.": (
        "Su evaluación de {applicant} se envió a {association}."
    ),
    "it cannot count toward the Endorsement": "no puede contar para el Endoso",
    "Please ask someone else for a reference rating": (
        "Pida una evaluación de referencia a otra persona"
    ),
    "Please ask someone else: choose “Replace”.": "Pídasela a otra persona: elija “Reemplazar”.",
    "Replace": "Reemplazar",
    "Replace {name}": "Reemplazar a {name}",
    "We sent {new} an e-mail with a personal link. {old}'s link no longer works.": (
        "Le enviamos a {new} un correo electrónico con un enlace personal. El enlace de {old} "
        "ya no funciona."
    ),
    "Read the rating from {name}": "Leer la evaluación de {name}",
    "Rating from {name}": "Evaluación de {name}",
    "Back to your references": "Volver a sus referencias",
    # Agreements and submission
    "Agreements": "Acuerdos",
    "Code of Ethics": "Código de Ética",
    "Endorsement Agreement": "Acuerdo del Endoso",
    "Type your full name to sign": "Escriba su nombre completo para firmar",
    "Sign the {title}": "Firmar el {title}",
    "Signed by {name} on": "Firmado por {name} el",
    "Every requirement is met. You can submit your portfolio.": (
        "Se cumplen todos los requisitos. Puede enviar su portafolio."
    ),
    "Every requirement is met.": "Se cumplen todos los requisitos.",
    "Submit my portfolio…": "Enviar mi portafolio…",
    "Submit your portfolio": "Enviar su portafolio",
    "Submit my portfolio": "Enviar mi portafolio",
    "Your portfolio is submitted. The coordinator will let you know when the review starts.": (
        "Su portafolio se envió. La persona coordinadora le avisará cuando comience la revisión."
    ),
    "Portfolio submitted, waiting for the review": "Portafolio enviado, a la espera de la revisión",
    "Infant Family Specialist": "Especialista en Bebés y Familias",
}


def test_the_whole_journey_in_spanish(
    page, browser, live_server, northfield, coordinator, tmp_path
):
    who = Journey(
        language="es",
        language_name="Español",
        full_name="Lucía Hernández Gómez",
        short_name="Lucía",
        email="lucia.hernandez@example.org",
        csv=CSV_SPANISH,
        csv_hours="27,5",
        total_hours="31,5",
        typed={
            "note": "Soy visitadora domiciliaria en Early Head Start.",
            "credential": "Licenciatura en Desarrollo Infantil",
            "role": "Visitadora domiciliaria",
            "population": "Familias con bebés y niños pequeños",
            "training": "Apego, separación y pérdida",
            "comment": "Escucha con calidez y atención.",
        },
        words=SPANISH,
    )
    take_the_journey(page, browser, live_server, northfield, coordinator, tmp_path, who)
