"""Certificates and the public verification page.

Renders 200 certificates in one process through the portal's whole path
(``credentials.services.certificate_produce``: the row read and locked, the context with its QR
code, the template, WeasyPrint with the static-only URL fetcher, the file stored) and prints the
median milliseconds per certificate against a bare WeasyPrint render of the same HTML
(``weasyprint.HTML(string=...).write_pdf()``, the same PDF variant; only the stylesheet's address
points at the same file on disk, which WeasyPrint's own fetcher reads): the ratio is what the
portal adds. CPU time too: wall time moves with whatever else the machine runs (the portal's CPU
time leaves out PostgreSQL's, a few queries). Then the process's resident memory after the first
20 renders and after all 200, for the portal's renders and then the bare ones, and its peak: the
portal's stay flat (one shared FontConfiguration per thread, credentials/certificates.py), bare
WeasyPrint's grow with each document.

Then the verification page (``/verify/<number>/``) with 10 and with 10,000 endorsements: SQL
queries and median time of a cold request (its cached facts and the look-up counter emptied
first) and of a cached one, against the home page in the same run.
"""

import datetime
import gc
import resource
import statistics
import tempfile
import time
from pathlib import Path

from django.test import Client
from harness import bench_association, measure, results_print, test_database

CERTIFICATES = 200
MEMORY_AFTER = 20
RATIO_TARGET = 1.5
ENDORSEMENTS = [10, 10_000]
VERIFY_QUERIES_TARGET = 3
REPEAT = 50


def resident_mb() -> float:
    """The process's resident memory now (Linux), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def endorsements_grow(association, category, total: int, made: int) -> int:
    """Awarded applications and their endorsements up to ``total`` (bulk_create)."""
    from accounts.models import User
    from endorsement.enums import ApplicationState
    from endorsement.models import Application, Endorsement

    count = total - made
    users = User.objects.bulk_create(
        [
            User(
                email=f"holder{made + i}@example.org",
                full_name=f"Holder Person {made + i:05d}",
                password="!",
            )
            for i in range(count)
        ],
        batch_size=2000,
    )
    applications = Application.objects.bulk_create(
        [
            Application(
                association=association,
                applicant=user,
                category=category,
                state=ApplicationState.AWARDED,
            )
            for user in users
        ],
        batch_size=2000,
    )
    today = datetime.date.today()
    Endorsement.objects.bulk_create(
        [
            Endorsement(
                association=association,
                application=application,
                holder=application.applicant,
                category=category,
                number=bench_number(made + i),
                awarded_on=today,
                valid_through=datetime.date(today.year, 12, 31),
                registry_listed=True,
            )
            for i, application in enumerate(applications)
        ],
        batch_size=2000,
    )
    return total


def bench_number(index: int) -> str:
    """BENCH-IFS-2016-0001 onwards, 9,999 a year."""
    year, serial = divmod(index, 9999)
    return f"BENCH-IFS-{2016 + year}-{serial + 1:04d}"


def certificates_bench(association) -> None:
    from django.test.utils import override_settings
    from weasyprint import HTML

    from credentials.certificates import PDF_VARIANT, certificate_html, static_prefix
    from credentials.models import Certificate
    from credentials.services import certificate_produce
    from endorsement.models import Endorsement

    endorsements = list(
        Endorsement.objects.filter(association=association)
        .select_related("association", "category", "holder")
        .order_by("pk")[:CERTIFICATES]
    )
    certificates = Certificate.objects.bulk_create(
        [Certificate(endorsement=e, holder_name=e.holder.get_full_name()) for e in endorsements]
    )
    stored = tempfile.TemporaryDirectory(prefix="bench-certificates-")
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": stored.name, "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        portal = timed_renders(
            [lambda c=c: certificate_produce(certificate_id=c.pk) for c in certificates]
        )
        assert all(c.is_ready for c in Certificate.objects.all())
        portal_kb = median_kb(
            [Path(stored.name, c.file.name).stat().st_size for c in Certificate.objects.all()]
        )
    stored.cleanup()

    # The same HTML strings, rendered by WeasyPrint alone. The stylesheet is read from the same
    # file through WeasyPrint's own fetcher (file://), so both lay out the same page.
    css_dir = Path(__file__).resolve().parent.parent / "credentials" / "static"
    pages = [
        certificate_html(endorsement=e, holder_name=e.holder.get_full_name()).replace(
            static_prefix(), css_dir.as_uri() + "/"
        )
        for e in endorsements
    ]
    bare_sizes = []
    bare = timed_renders(
        [
            lambda html=html: bare_sizes.append(
                len(HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT))
            )
            for html in pages
        ]
    )

    results_print(
        [
            ("certificate render", "38"),
            ("renders", "7d"),
            ("median ms", "9.2f"),
            ("CPU ms", "7.2f"),
            ("KB", "5.1f"),
            (f"MB after {MEMORY_AFTER}", "11.0f"),
            (f"after {CERTIFICATES}", "9.0f"),
        ],
        [
            ("portal (certificate_produce, stored)", CERTIFICATES, *portal[:2], portal_kb)
            + portal[2:],
            ("bare WeasyPrint, same HTML", CERTIFICATES, *bare[:2], median_kb(bare_sizes))
            + bare[2:],
        ],
    )
    ratio, cpu_ratio = portal[0] / bare[0], portal[1] / bare[1]
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    print(
        f"ratio portal/bare: {ratio:.2f}x, CPU {cpu_ratio:.2f}x (target <= {RATIO_TARGET}x: "
        f"{verdict})"
    )
    print(
        f"memory (resident, after the portal's renders, then the bare ones): portal "
        f"{portal[3] - portal[2]:+.1f} MB from render {MEMORY_AFTER} to {CERTIFICATES}, bare "
        f"{bare[3] - bare[2]:+.1f} MB; peak of the process {peak_mb():.0f} MB"
    )


def timed_renders(renders) -> tuple[float, float, float, float]:
    """(median wall ms, median CPU ms, resident MB after the first MEMORY_AFTER, after all)."""
    wall, cpu = [], []
    for index, render in enumerate(renders, start=1):
        start, start_cpu = time.perf_counter(), time.process_time()
        render()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if index == MEMORY_AFTER:
            gc.collect()
            after_first = resident_mb()
    gc.collect()
    return statistics.median(wall), statistics.median(cpu), after_first, resident_mb()


def median_kb(sizes: list[int]) -> float:
    return statistics.median(sizes) / 1024


def verification_bench(association, category) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credentials.verification import verification_cache_forget

    client = Client()
    number = bench_number(0)
    url = f"/verify/{number}/"

    def cold_get():
        # The cached facts and this address's look-up count emptied: a first, uncached request.
        verification_cache_forget(number)
        cache.delete("credentials:lookups:127.0.0.1")
        return client.get(url)

    def warm_get():
        cache.delete("credentials:lookups:127.0.0.1")
        return client.get(url)

    rows, counts = [], []
    made = 0
    for size in ENDORSEMENTS:
        made = endorsements_grow(association, category, size, made)
        for label, get in (("cold", cold_get), ("cached", warm_get)):
            get()
            with CaptureQueriesContext(connection) as queries:
                response = get()
            assert response.status_code == 200, response.status_code
            assert b"Holder Person 00000" in response.content
            query_count = len(queries)
            timings = []
            for _ in range(REPEAT):
                start = time.perf_counter()
                get()
                timings.append((time.perf_counter() - start) * 1000)
            rows.append(
                (f"/verify/<number>/, {label}", size, query_count, statistics.median(timings))
            )
            if label == "cold":
                counts.append(query_count)
        rows.append(("/ (home page)", size, *measure(client, "/", REPEAT)))
    results_print(
        [("page", "28"), ("endorsements", "12d"), ("queries", "7d"), ("median ms", "10.2f")],
        rows,
    )
    same = len(set(counts)) == 1 and max(counts) <= VERIFY_QUERIES_TARGET
    print(
        f"verification page, cold: {' and '.join(map(str, counts))} queries with "
        f"{' and '.join(f'{n:,}' for n in ENDORSEMENTS)} endorsements "
        f"(target <= {VERIFY_QUERIES_TARGET}, the same for both: {'met' if same else 'NOT met'})"
    )


def main():
    with test_database():
        from tests.portfolios.check_helpers import load_category

        association = bench_association(brand_colour="#2d6a4f")
        category = load_category(association, "IFS")
        verification_bench(association, category)
        # The first 200 of the 10,000 endorsements get their certificates.
        certificates_bench(association)


if __name__ == "__main__":
    main()
