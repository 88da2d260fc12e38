"""The portal in Spanish: the pages applicants see first, and a complete catalogue.

Many applicants (home visitors, child care providers) prefer Spanish, so the Spanish catalogue
must cover every string; an empty or fuzzy entry silently falls back to English.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests.factories import ApplicationFactory, MembershipFactory, UserFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def spanish_client(client):
    """An anonymous visitor who chose Spanish in the language switcher."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


@pytest.fixture
def spanish_applicant(client, db):
    user = UserFactory(full_name="Ana María López", preferred_language="es")
    client.force_login(user)
    return user


def test_home_page_in_spanish(spanish_client, association):
    page = spanish_client.get("/").content.decode()
    assert '<html lang="es">' in page
    assert "<h1>Endoso en salud mental infantil y de la primera infancia</h1>" in page
    assert (
        "El Endoso demuestra que usted tiene los conocimientos y las habilidades para apoyar a "
        "los bebés, a los niños pequeños y a sus familias." in page
    )
    assert "<h2>Cómo funciona</h2>" in page
    assert "<strong>Inscríbase.</strong>" in page
    assert "<strong>Prepare su portafolio.</strong>" in page
    assert "supervisión/consulta reflexiva (SC/R:" in page
    assert "Crear una cuenta</a>" in page
    assert "Ya tengo una cuenta: iniciar sesión" in page
    assert "Ir al contenido principal" in page
    # The association's own name is data and stays as the association wrote it.
    assert association.name in page
    assert "How it works" not in page


def test_sign_up_page_in_spanish(spanish_client, db):
    page = spanish_client.get("/accounts/signup/").content.decode()
    assert '<h1 class="portal-auth-title">Crear una cuenta</h1>' in page
    assert re.search(r"<label[^>]*>\s*Nombre completo\s*</label>", page)
    assert "Tal como debe aparecer en su certificado." in page
    assert re.search(r"<label[^>]*>\s*Idioma preferido\s*</label>", page)
    assert "¿Ya tiene una cuenta? Entonces" in page
    assert "inicie sesión</a>." in page
    assert "Full name" not in page


def test_association_page_in_spanish(spanish_client, association):
    call_command("load_framework", "--association", association.slug, verbosity=0)
    page = spanish_client.get(f"/a/{association.slug}/").content.decode()
    assert (
        "Northfield Association for Infant Mental Health otorga el Endoso en salud mental "
        "infantil y de la primera infancia." in page
    )
    assert "Muchas categorías piden supervisión/consulta reflexiva (SC/R)." in page
    assert "Categorías en esta página" in page
    assert "Bebés y familias (desde el nacimiento hasta los 36 meses)" in page
    assert "Primera infancia (de 3 a 6 años)" in page
    # Category names in Spanish (the framework's own data); the codes stay.
    assert "Asociado/a en Bebés y Familias (IFA)" in page
    assert "Especialista en Salud Mental Infantil (IMHS)" in page
    assert (
        "Más información sobre Mentor/a en Salud Mental de la Primera Infancia – "
        "Investigación/Docencia y sus competencias" in page
    )
    assert "Infant Family Associate" not in page
    # Requirements are generated sentences, translated piece by piece.
    assert "Al menos 30 horas de capacitación especializada en servicio." in page
    assert "Una evaluación de referencia de su supervisor/a actual." in page
    assert "Ninguno: esta categoría no tiene examen." in page
    assert "Al menos 2 años de trabajo remunerado con bebés y niños de hasta 3 años" in page
    assert "Si no aprueba, puede intentarlo de nuevo después de 12 meses." in page
    assert '<abbr title="supervisión/consulta reflexiva">SC/R</abbr>' in page
    assert '<h2 class="mt-4">Membresía</h2>' in page
    assert "Cree una cuenta para presentar su solicitud" in page
    assert "At least" not in page


def test_applicant_dashboard_without_applications_in_spanish(client, spanish_applicant):
    page = client.get("/dashboard/applicant/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="es">' in page
    assert "<h1>Le damos la bienvenida, Ana</h1>" in page
    assert '<h2 id="applications-heading">Mis solicitudes</h2>' in page
    assert (
        "Todavía no ha comenzado una solicitud. Lea lo que pide cada categoría del Endoso y "
        "luego elija una." in page
    )
    assert '<h2 id="membership-heading">Membresía</h2>' in page
    assert "Para el Endoso se requiere una membresía individual en la asociación." in page
    assert ">Mi panel</a>" in page
    assert "Cerrar sesión" in page


def test_applicant_dashboard_with_application_in_spanish(client, spanish_applicant, association):
    MembershipFactory(user=spanish_applicant, association=association)
    ApplicationFactory(
        applicant=spanish_applicant,
        category__framework__association=association,
        category__code="IFS",
        category__name="Infant Family Specialist",
        category__names={"es": "Especialista en Bebés y Familias"},
    )
    page = client.get("/dashboard/applicant/").content.decode()
    assert ">Especialista en Bebés y Familias (IFS)</a></td>" in page
    assert "Infant Family Specialist" not in page
    assert '<th scope="col">Asociación</th>' in page
    assert '<th scope="col">Categoría</th>' in page
    assert '<th scope="col">Estado</th>' in page
    assert '<td data-label="Estado"><span class="' in page
    assert (
        'data-state="registered">Esperando a que la persona coordinadora acepte su inscripción'
        "</span></td>"
    ) in page
    assert f'<span class="fw-semibold">{association.name}</span>:' in page
    # Current, or ending within 30 days (in December), in Spanish.
    assert "es miembro hasta el" in page or "su membresía termina el" in page


def _po_entries(text):
    """Yield (flags, msgid, msgstrs) for each entry of a .po file; enough for our catalogue."""

    def unquote(line):
        return line[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")

    for block in re.split(r"\n\s*\n", text.strip()):
        flags, fields, current = set(), {}, None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#~"):
                current = None  # obsolete entries are not used
                fields = {}
                break
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                fields[current] += unquote(line)
            else:
                current, _, rest = line.partition(" ")
                fields[current] = unquote(rest)
        if "msgid" in fields:
            msgstrs = [value for key, value in fields.items() if key.startswith("msgstr")]
            yield flags, fields["msgid"], fields.get("msgid_plural"), msgstrs


def test_spanish_catalogue_is_complete():
    entries = list(_po_entries(PO_FILE.read_text(encoding="utf-8")))
    header = next(entry for entry in entries if entry[1] == "")
    assert "fuzzy" not in header[0]
    assert "Language: es\n" in header[3][0]
    assert "charset=UTF-8" in header[3][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header[3][0]

    messages = [entry for entry in entries if entry[1] != ""]
    assert len(messages) > 300
    fuzzy = [msgid for flags, msgid, _plural, _strs in messages if "fuzzy" in flags]
    assert fuzzy == []
    untranslated = [msgid for _flags, msgid, _plural, strs in messages if not all(strs)]
    assert untranslated == []
    wrong_plurals = [msgid for _flags, msgid, plural, strs in messages if plural and len(strs) != 2]
    assert wrong_plurals == []

    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>|\n")
    mismatched = [
        msgid
        for _flags, msgid, _plural, strs in messages
        for msgstr in strs
        if sorted(placeholder.findall(msgid)) != sorted(placeholder.findall(msgstr))
    ]
    assert mismatched == []


def test_spanish_catalogue_passes_msgfmt():
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed to compile the catalogues"
    result = subprocess.run(
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    assert "translated message" in result.stderr
    assert "untranslated" not in result.stderr
    assert "fuzzy" not in result.stderr


# The apps whose code and templates hold the portal's words (demo data is English on purpose).
APPS_WITH_TEXT = (
    "accounts",
    "audit",
    "notifications",
    "competencies",
    "endorsement",
    "portfolios",
    "reviews",
    "credentials",
    "billing",
    "reports",
    "rights",
    "config",
)


def test_every_string_in_the_code_is_in_the_spanish_catalogue(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the source and the catalogue finds nothing untranslated."""
    base = Path(settings.BASE_DIR)
    for name in APPS_WITH_TEXT:
        shutil.copytree(base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(base / "templates", tmp_path / "templates")
    shutil.copytree(base / "locale", tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["es"], verbosity=0)
    po = tmp_path / "locale" / "es" / "LC_MESSAGES" / "django.po"
    entries = [entry for entry in _po_entries(po.read_text(encoding="utf-8")) if entry[1]]
    missing = [msgid for _flags, msgid, _plural, strs in entries if not all(strs)]
    fuzzy = [msgid for flags, msgid, _plural, _strs in entries if "fuzzy" in flags]
    assert missing == []
    assert fuzzy == []
    assert len(entries) == len(
        [entry for entry in _po_entries(PO_FILE.read_text(encoding="utf-8")) if entry[1]]
    )


NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
NOT_TEXT = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]+>")
NUMBER_WORDS = {
    "one": ("un", "uno", "una"),
    "two": ("dos",),
    "three": ("tres",),
    "four": ("cuatro",),
    "five": ("cinco",),
    "six": ("seis",),
    "ten": ("diez",),
    "twelve": ("doce",),
    "fifteen": ("quince",),
    "twenty": ("veinte",),
    "thirty": ("treinta",),
}
SPELLED_TIME = re.compile(
    r"\b(" + "|".join(NUMBER_WORDS) + r")\s+(?:minute|hour|day|week|month|year)s?\b", re.I
)


def _numbers(text: str) -> list[str]:
    """The numbers a text states, a decimal comma read as a point."""
    return sorted(n.replace(",", ".") for n in NUMBER.findall(NOT_TEXT.sub("", text)))


def _missing_numbers(source: str, translation: str) -> list[str]:
    """Numbers (digits, or a spelled number of minutes … years) of ``source`` that
    ``translation`` does not state: the same estimate in both languages."""
    missing = list(_numbers(source))
    for number in _numbers(translation):
        if number in missing:
            missing.remove(number)
    words = re.findall(r"\w+", translation.lower())
    for spelled in SPELLED_TIME.findall(source):
        spanish = NUMBER_WORDS[spelled.lower()]
        if not any(word in words for word in spanish):
            missing.append(spelled)
    return missing


@pytest.mark.parametrize(
    ("source", "translation", "missing"),
    [
        ("About 15 minutes.", "Unos 20 minutos.", ["15"]),
        ("About %(minutes)s minutes, 2 hours.", "Unos %(minutes)s minutos, 2 horas.", []),
        ("Write 7.5, not 7.25.", "Escriba 7,5, no 7,25.", []),
        ("It takes two weeks.", "Tarda unos días.", ["two"]),
        ("It takes two weeks.", "Tarda dos semanas.", []),
        ("Babies", "Bebés de hasta 3 años", []),
    ],
)
def test_missing_numbers_reads_digits_and_spelled_times(source, translation, missing):
    assert _missing_numbers(source, translation) == missing


def test_every_number_in_a_message_is_in_its_spanish_translation():
    """Time estimates, hours and limits say the same in both languages (a Spanish sentence may
    add a number that explains, e.g. "babies" as "niños de hasta 3 años")."""
    wrong = []
    for _flags, msgid, plural, strs in _po_entries(PO_FILE.read_text(encoding="utf-8")):
        if not msgid:
            continue
        sources = [msgid, plural or msgid]
        for index, msgstr in enumerate(strs):
            if missing := _missing_numbers(sources[min(index, 1)], msgstr):
                wrong.append((msgid, missing))
    assert wrong == []
