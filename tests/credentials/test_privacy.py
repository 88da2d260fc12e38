"""The credentials app's URLs (its pages and the verification API) beyond the access walk
(tests/test_access_walk.py tries every URL as everyone, anonymous visitors included, with GET
and POST, and checks that refusals change nothing and that no answer shows the holder where it
must not): the POSTs the walk does not send, those of the people a page is for (``ACTS`` in the
walk's ``PAGES``), act with the walk's data; so the walk's unchanged data means refused.
"""

import pytest
from django.db import transaction

from credentials.models import NameChangeRequest
from endorsement.enums import EndorsementStatus
from tests.access_world import fingerprint, fingerprint_sql
from tests.test_access_walk import ACTS, PAGES, answer, log_in, post_data, walked_urls

pytestmark = pytest.mark.django_db

NAMESPACES = ("credentials", "api")


def test_the_posts_of_the_people_concerned_act(client, access_world):
    """Each POST the walk leaves to the people a page is for, sent by each of them with the
    walk's data, changes the data (each in a savepoint, undone after); sent in turn, they list
    the holder, decide her change of name and revoke her endorsement."""
    people, objects = access_world
    data = post_data(people, objects)
    sql = fingerprint_sql()
    acting = [
        (name, url, who)
        for name, url in walked_urls(objects)
        if name.split(":")[0] in NAMESPACES
        for who, answers in PAGES[name].may.items()
        if answers[1] is ACTS
    ]
    changed = {}
    for name, url, who in acting:
        log_in(client, people, who)
        before = fingerprint(sql)
        savepoint = transaction.savepoint()
        got = answer(client, "post", url, data)[0]
        after = fingerprint(sql)
        transaction.savepoint_rollback(savepoint)
        changed[name, who] = (
            got,
            sorted(table for table in after if after[table] != before[table]),
        )
    # A change of name: the request decided, her name, a certificate in the new name, the
    # timeline's line and her e-mail.
    renamed = (
        302,
        [
            "accounts_user",
            "credentials_certificate",
            "credentials_namechangerequest",
            "endorsement_applicationevent",
            "notifications_outboxmessage",
        ],
    )
    assert changed == {
        # Listed in the registry (her workforce profile says where).
        ("credentials:registry.listing", "owner"): (
            302,
            ["accounts_workforceprofile", "endorsement_endorsement"],
        ),
        ("credentials:name_change.decide", "coordinator"): renamed,
        ("credentials:name_change.decide", "association admin"): renamed,
        # Revoked: the endorsement's and the application's history, her e-mail.
        ("credentials:revoke", "coordinator"): (
            302,
            [
                "endorsement_applicationevent",
                "endorsement_endorsement",
                "endorsement_endorsementevent",
                "notifications_outboxmessage",
            ],
        ),
    }
    # Sent in turn, each by the first of the page's people, they do what the page is for.
    first = {}
    for name, url, who in acting:
        first.setdefault(name, (url, who))
    for url, who in first.values():
        log_in(client, people, who)
        answer(client, "post", url, data)
    endorsement = objects["endorsement"]
    endorsement.refresh_from_db()
    assert endorsement.registry_listed is True
    assert endorsement.registry_place == data["place"]
    assert endorsement.status == EndorsementStatus.REVOKED
    assert endorsement.status_reason == data["reason"]
    assert NameChangeRequest.objects.get(pk=objects["name change"].pk).state == "approved"
