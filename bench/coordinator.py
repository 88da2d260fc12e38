"""Coordinator's pipeline: SQL queries and median time of the coordinator's dashboard (counts by
state, the first page of 50 applications with advisors, reviewers and endorsement numbers), of
a filtered and searched page, of a later page, and of the CSV export of the filtered list, with
100 applications and then with 10,000, across every state and two associations (the
coordinator's holds 80% of them). Rows are made with bulk_create."""

import datetime
import itertools

from django.test import Client
from harness import measure, results_print, test_database

SIZES = [100, 10_000]
# Share of the applications in the coordinator's association; the rest are in another one.
MINE = 0.8


def pipeline_data():
    """The two associations with their frameworks, the coordinator (with an authenticator) and
    12 staff of the first; and grow(total), which adds applications up to ``total``."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.enums import Role
    from accounts.models import Association, RoleGrant, User
    from competencies.models import EndorsementCategory
    from endorsement.enums import ApplicationState as S
    from endorsement.models import Application, Endorsement
    from reviews.models import ReviewAssignment

    associations = []
    for slug, prefix in (("bench", "BENCH"), ("other", "OTHER")):
        association = Association.objects.create(
            name=f"{slug.title()} Association",
            slug=slug,
            contact_email=f"{slug}@example.org",
            number_prefix=prefix,
        )
        call_command("load_framework", "--association", slug, verbosity=0)
        associations.append(association)
    categories = {
        association.pk: list(EndorsementCategory.objects.filter(framework__association=association))
        for association in associations
    }
    coordinator = User.objects.create_user(
        email="coordinator@bench.example.org", password="bench-password", full_name="Casey"
    )
    RoleGrant.objects.create(association=associations[0], user=coordinator, role=Role.COORDINATOR)
    TOTP.activate(coordinator, generate_totp_secret())
    staff = []
    for index in range(12):
        user = User.objects.create_user(
            email=f"staff{index}@bench.example.org", full_name=f"Staff Person {index}"
        )
        role = Role.REVIEWER if index % 3 else Role.ADVISOR
        RoleGrant.objects.create(association=associations[0], user=user, role=role)
        staff.append(user)

    states = itertools.cycle(S.values)
    made = 0
    numbers = itertools.count(1)

    def grow(total: int) -> None:
        nonlocal made
        count = total - made
        now = timezone.now()
        users = User.objects.bulk_create(
            [
                User(
                    email=f"applicant{made + i}@example.org",
                    full_name=f"Applicant {made + i:05d}",
                    password="!",
                )
                for i in range(count)
            ]
        )
        applications = []
        for i, user in enumerate(users):
            association = associations[0] if (made + i) % 10 < MINE * 10 else associations[1]
            category = categories[association.pk][(made + i) % len(categories[association.pk])]
            applications.append(
                Application(
                    association=association,
                    applicant=user,
                    category=category,
                    state=next(states),
                    advisor=staff[(made + i) % len(staff)] if i % 2 else None,
                )
            )
        applications = Application.objects.bulk_create(applications)
        # Days in state spread over two years (bulk_create sets auto_now_add to now).
        for i, application in enumerate(applications):
            application.state_changed = now - datetime.timedelta(days=(made + i) % 730)
        Application.objects.bulk_update(applications, ["state_changed"], batch_size=1000)
        assignments, endorsements = [], []
        reviewers = [u for u in staff if u.pk % 3]
        for application in applications:
            if application.state in (S.IN_REVIEW, S.DEFERRED, S.APPROVED):
                for round_, reviewer in ((1, reviewers[0]), (2, reviewers[1])):
                    assignments.append(
                        ReviewAssignment(
                            application=application,
                            reviewer=reviewer,
                            round=round_,
                            due_on=now.date(),
                        )
                    )
            if application.state == S.AWARDED:
                number = next(numbers)
                endorsements.append(
                    Endorsement(
                        association=application.association,
                        application=application,
                        holder=application.applicant,
                        category=application.category,
                        number=f"{application.association.number_prefix}-2026-{number:05d}",
                        awarded_on=now.date(),
                        valid_through=datetime.date(now.year, 12, 31),
                    )
                )
        ReviewAssignment.objects.bulk_create(assignments, batch_size=2000)
        Endorsement.objects.bulk_create(endorsements, batch_size=2000)
        made = total

    return associations, coordinator, grow


def main():
    with test_database():
        from endorsement.models import Application

        associations, coordinator, grow = pipeline_data()
        client = Client()
        client.force_login(coordinator)
        base = "/a/bench/dashboard/coordinator/"
        pages = [
            ("dashboard", base, 30),
            ("filtered + search", f"{base}?state=in_review&q=applicant&overdue=30", 30),
            ("page 3", f"{base}?page=3", 30),
            ("CSV, one state", "/coordinator/a/bench/pipeline.csv?state=submitted", 5),
        ]
        rows = []
        for size in SIZES:
            grow(size)
            mine = Application.objects.filter(association=associations[0]).count()
            for label, url, repeat in pages:
                rows.append((label, size, mine, *measure_streaming(client, url, repeat)))
        results_print(
            [
                ("page", "20"),
                ("applications", "12d"),
                ("in assoc.", "9d"),
                ("queries", "7d"),
                ("median ms", "10.2f"),
            ],
            rows,
        )
        print(
            "The CSV lists every row of the filter (one state: 1/14 of the association's "
            "applications), so its time grows with them; its queries grow by two per 2,000 rows."
        )


def measure_streaming(client, url: str, repeat: int) -> tuple[int, float]:
    """measure(), reading a streamed response to its end (the CSV runs its queries then)."""

    class Reading:
        def __init__(self, client):
            self.client = client

        def get(self, url):
            response = self.client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
            return response

    return measure(Reading(client), url, repeat)


if __name__ == "__main__":
    main()
