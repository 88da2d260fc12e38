"""How a reference's relationship reads: in the applicant's own words for the applicant, in the
third person for everyone else who reads the portfolio."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from portfolios.enums import RaterRelationship

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("relationship", "words"),
    [
        (RaterRelationship.CURRENT_SUPERVISOR, "The applicant's current supervisor"),
        (
            RaterRelationship.RSC_PROVIDER,
            "The applicant's reflective supervision/consultation provider",
        ),
        (RaterRelationship.SUPERVISEE, "Someone who receives RS/C from the applicant"),
        (RaterRelationship.OTHER, "Someone else who knows the applicant's work"),
    ],
)
def test_every_relationship_has_its_third_person(invite, relationship, words):
    reference, _token = invite(relationship=relationship)
    assert str(reference.relationship_for_readers()) == words


def test_the_list_speaks_to_the_applicant_and_about_them_to_the_coordinator(
    client, invite, application, make_staff, association
):
    invite()
    url = reverse("portfolios:references.list", kwargs={"application_id": application.pk})
    client.force_login(application.applicant)
    mine = client.get(url).content.decode()
    assert ("My current supervisor" in mine, "The applicant&#x27;s current supervisor" in mine) == (
        True,
        False,
    )
    client.force_login(make_staff(Role.COORDINATOR, association))
    theirs = client.get(url).content.decode()
    assert (
        "My current supervisor" in theirs,
        "The applicant&#x27;s current supervisor" in theirs,
    ) == (
        False,
        True,
    )
