"""Public association page: SQL queries and median time to render it (its whole-page cache
emptied before each request) with the real framework loaded, against the same page with every
category carrying 10 times the requirement rows."""

from django.core.management import call_command
from django.test import Client
from harness import bench_association, measure, results_print, test_database


def main():
    with test_database():
        from accounts.public_pages import public_pages_forget
        from competencies.models import Requirement

        bench_association()
        call_command("load_framework", "--association", "bench", verbosity=0)
        client = Client()
        rows = []
        for url in ("/", "/a/bench/", "/a/bench/categories/IFS/"):
            rows.append(
                (url, "framework as shipped", *measure(client, url, forget=public_pages_forget))
            )
        extra = [
            Requirement(
                category=r.category,
                kind=r.kind,
                min_hours=r.min_hours,
                topic=r.topic,
                reference_kind=r.reference_kind,
                work_kind=r.work_kind,
                min_years=r.min_years,
                education_levels=r.education_levels,
                exam_part=r.exam_part,
                exam_kind=r.exam_kind,
            )
            for r in Requirement.objects.all()
            for _ in range(9)
        ]
        Requirement.objects.bulk_create(extra)
        for url in ("/a/bench/", "/a/bench/categories/IFS/"):
            rows.append(
                (url, "10x requirement rows", *measure(client, url, forget=public_pages_forget))
            )
        results_print(
            [("page", "32"), ("data", "24"), ("queries", "7d"), ("median ms", "10.2f")], rows
        )


if __name__ == "__main__":
    main()
