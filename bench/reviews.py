"""Review pages: SQL queries and median time of the reviewer's review page (their submitted
review, the other reviewer's, the requirement check and the reference ratings), of the
coordinator's decision page and of the portfolio summary with the advisor's comments, for an
IFS portfolio in its first review round with 2 evidence items and 1 comment thread, against one
in its 5th round (4 deferrals) with 200 evidence items and 50 threads (each with a reply).
The evidence is made as in bench/portfolio.py; comments, submissions, assignments, reviews and
deferrals through the services, as the people would."""

import datetime

from django.test import Client
from django.urls import reverse
from harness import bench_ifs_portfolios, measure, results_print, test_database

# (evidence items, comment threads, review rounds)
SIZES = [(2, 1, 1), (200, 50, 5)]


def main():
    with test_database():
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from accounts.enums import Role
        from accounts.models import RoleGrant, User
        from endorsement.services import application_transition
        from reviews.models import ReviewAssignment
        from reviews.selectors.reviewing import review_areas
        from reviews.services.advising import advisor_assign, comment_add, comment_reply
        from reviews.services.reviewing import review_assign, review_decide, review_save

        association, applications = bench_ifs_portfolios(
            [items for items, _threads, _rounds in SIZES], complete=True, reviewers_per_portfolio=2
        )

        def staff(role, name):
            user = User.objects.create_user(
                email=f"{name.lower()}@bench.example.org", password="!", full_name=name
            )
            RoleGrant.objects.create(association=association, user=user, role=role)
            TOTP.activate(user, generate_totp_secret())
            return user

        coordinator = staff(Role.COORDINATOR, "Casey")
        advisor = staff(Role.ADVISOR, "Avery")
        rita, ray = staff(Role.REVIEWER, "Rita"), staff(Role.REVIEWER, "Ray")
        due_on = datetime.date.today() + datetime.timedelta(days=30)

        cases = []
        for (items, threads, rounds), application in zip(SIZES, applications, strict=True):
            application = advisor_assign(application=application, advisor=advisor, by=coordinator)
            for index in range(threads):
                thread = comment_add(
                    application=application,
                    by=advisor,
                    section=("general", "training", "work", "references")[index % 4],
                    body=f"Please add the dates ({index}).",
                )
                comment_reply(parent=thread, by=application.applicant, body="Added.")
            areas = review_areas(application=application)
            for round_ in range(1, rounds + 1):
                application = application_transition(
                    application=application, action="submit", by=None
                )
                for assignment in review_assign(
                    application=application, reviewers=[rita, ray], due_on=due_on, by=coordinator
                ):
                    last = round_ == rounds
                    review_save(
                        assignment=assignment,
                        by=assignment.reviewer,
                        ratings={area.pk: "3" for area in areas},
                        recommendation="approve" if last else "defer",
                        amendments="" if last else "Add the RS/C log.",
                        comments="Well documented.",
                        submit=True,
                    )
                if round_ < rounds:
                    application.refresh_from_db()
                    application = review_decide(
                        application=application,
                        decision="defer",
                        note="Add the RS/C log.",
                        by=coordinator,
                    )
            mine = ReviewAssignment.objects.get(
                application=application, reviewer=rita, round=rounds
            )
            label = f"{items} items, {threads} threads, round {rounds}"
            kwargs = {"application_id": application.pk}
            cases += [
                ("review (reviewer)", label, rita, reverse("reviews:review", args=[mine.pk])),
                (
                    "decision (coordinator)",
                    label,
                    coordinator,
                    reverse("reviews:review.decide", kwargs=kwargs),
                ),
                (
                    "summary (applicant)",
                    label,
                    application.applicant,
                    reverse("portfolios:summary", kwargs=kwargs),
                ),
                ("summary (advisor)", label, advisor, reverse("portfolios:summary", kwargs=kwargs)),
            ]

        client = Client()
        rows = []
        for page, label, user, url in sorted(cases, key=lambda case: case[0]):
            client.force_login(user)
            client.get(url)  # the session settles first
            rows.append((page, label, *measure(client, url)))
        results_print(
            [("page", "24"), ("portfolio", "34"), ("queries", "7d"), ("median ms", "10.2f")], rows
        )
        print(
            "tests/reviews/test_query_counts.py holds every review-workflow page to 15 queries, "
            "the same with little and much data."
        )


if __name__ == "__main__":
    main()
