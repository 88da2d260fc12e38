"""The review workflow's refusals beyond the access walk (tests/test_access_walk.py, which tries
every URL as everyone, anonymous visitors included, with GET and POST): htmx posts of the
comment panel, people whose role was withdrawn, and addresses that cross an object with another
application or association.

On the walk's world (tests/access_world.py), with the answers of the walk's ``PAGES``.
"""

import pytest
from django.urls import reverse

from accounts.enums import Role
from tests.access_world import PERSONAS, fingerprint, fingerprint_sql
from tests.factories import CommentFactory, ConflictDeclarationFactory, RoleGrantFactory
from tests.test_access_walk import LOGIN, PAGES, answer, expected, log_in, post_data, walked_urls

pytestmark = pytest.mark.django_db

REFUSALS = (403, 404, LOGIN)


def test_refused_comment_posts_from_the_panel_change_nothing(client, access_world):
    """The comment forms post with htmx too (the panel is sent back): refused all the same."""
    people, objects = access_world
    urls = [
        (name, url) for name, url in walked_urls(objects) if name.startswith("reviews:comment.")
    ]
    data = post_data(people, objects)
    sql = fingerprint_sql()
    before = fingerprint(sql)
    answers, wanted = {}, {}
    for who in PERSONAS:
        log_in(client, people, who)
        for name, url in urls:
            want = expected(name, who, "post")
            if want in REFUSALS:
                answers[who, name] = answer(client, "post", url, data, HTTP_HX_REQUEST="true")[0]
                wanted[who, name] = want
    assert len(wanted) >= 4 * (len(PERSONAS) - 2)
    assert answers == wanted
    assert fingerprint(sql) == before


def test_people_who_lost_their_role_are_refused(client, access_world):
    """The assigned advisor, reviewer and grader, and the coordinator, once their role in the
    association is withdrawn: refused like outsiders on the pages of the application and its
    workflow that were theirs (a grader hears why: 403)."""
    people, objects = access_world
    urls = [
        (name, url)
        for name, url in walked_urls(objects)
        if name.split(":")[0] in ("portfolios", "reviews", "endorsement")
    ]
    former = ("advisor", "reviewer", "grader", "coordinator")
    for who in former:
        people[who].role_grants.all().delete()
    for who in former:
        log_in(client, people, who)
        answers, wanted = {}, {}
        for name, url in urls:
            spec = PAGES[name]
            if spec.may.get(who, spec.others) != spec.others:
                answers[name] = answer(client, "get", url, {})[0]
                wanted[name] = 403 if name == "reviews:exam.score" else spec.others[0]
        assert wanted, who
        assert answers == wanted, who


def test_crossed_addresses_are_refused(client, access_world, association, other_association):
    """An object reached through an address that names another application or association."""
    people, objects = access_world
    application = objects["application"]
    theirs = CommentFactory(application=objects["another application"])
    elsewhere = ConflictDeclarationFactory(
        association=other_association, reviewer=people["reviewer"]
    )
    RoleGrantFactory(role=Role.REVIEWER, association=other_association, user=people["reviewer"])
    sql = fingerprint_sql()
    before = fingerprint(sql)
    crossed = [
        (who, reverse(f"reviews:comment.{action}", args=[application.pk, theirs.pk]))
        for who in ("owner", "advisor")
        for action in ("reply", "resolve", "reopen")
    ] + [
        ("reviewer", reverse("reviews:conflict.withdraw", args=[association.slug, elsewhere.pk])),
    ]
    answers = []
    for who, url in crossed:
        log_in(client, people, who)
        answers.append(answer(client, "post", url, {"body": "Crossed."})[0])
    assert answers == [404] * len(crossed)
    assert fingerprint(sql) == before
