"""Portfolio pages: SQL queries and median time of the summary page and each section page, for
an IFS portfolio with 200 evidence items (40 in each of education, work, training, RS/C and
references, with transcripts, certificates, competency items and ratings) against the same
pages with 2 items. A page that does not exist (404) is skipped with a note."""

from django.test import Client
from django.urls import reverse
from harness import bench_ifs_portfolios, measure, results_print, test_database

PAGES = [
    "portfolios:summary",
    "portfolios:education.list",
    "portfolios:work.list",
    "portfolios:training.list",
    "portfolios:rsc.list",
    "portfolios:references.list",
    "portfolios:agreements",
]
SIZES = [2, 200]


def main():
    with test_database():
        _association, applications = bench_ifs_portfolios(SIZES)
        portfolios = dict(zip(SIZES, applications, strict=True))

        client = Client()
        rows = []
        for url_name in PAGES:
            for size, application in portfolios.items():
                client.force_login(application.applicant)
                url = reverse(url_name, kwargs={"application_id": application.pk})
                status = client.get(url).status_code
                if status == 404:
                    print(f"note: {url_name} ({url}) answers 404: skipped")
                    break
                rows.append((url_name, size, *measure(client, url)))
        results_print(
            [("page", "30"), ("evidence items", "14d"), ("queries", "7d"), ("median ms", "10.2f")],
            rows,
        )
        print(
            "With 2 items, sections holding none skip their prefetch queries (e.g. the "
            "references' ratings); tests/portfolios/test_query_counts.py compares 2 and 40 items "
            "in every section."
        )


if __name__ == "__main__":
    main()
