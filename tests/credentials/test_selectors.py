"""The public facts of an endorsement: the same for the page, the API and the registry."""

import pytest
from django.utils import translation

from credentials.selectors import number_is_well_formed, public_endorsement, public_endorsements
from endorsement.enums import EndorsementStatus
from tests.factories import EndorsementFactory


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("NFAIMH-IFS-2026-0001", True),
        ("NFAIMH-IMHM-C-2026-0042", True),
        ("nfaimh-ifs-2026-0001", True),
        ("NFAIMH-IFS-2026-1", False),
        ("", False),
        ("NFAIMH IFS 2026 0001", False),
        ("<script>-2026-0001", False),
        ("A" * 60 + "-2026-0001", False),
        (42, False),
        (None, False),
        ("NFAIMH-IFS-2026-0001\n", False),
        ("NFAIMH-IFS-\u0662\u0660\u0662\u0666-0001", False),  # Arabic-Indic digits
        ("NFAIMH-IFS-2026-0001\x00", False),
        ("NFAIMH/../IFS-2026-0001", False),
    ],
)
def test_well_formed_numbers(number, ok):
    assert number_is_well_formed(number) is ok


def test_public_facts_and_nothing_else(db, django_assert_num_queries):
    endorsement = EndorsementFactory()
    with django_assert_num_queries(1):
        facts = public_endorsement(endorsement.number)
    assert facts.number == endorsement.number
    assert facts.holder_name == endorsement.holder.get_full_name()
    assert facts.category_code == endorsement.category.code
    assert facts.association_slug == endorsement.association.slug
    assert (facts.status, facts.status_label, facts.status_reason) == ("active", "Active", "")
    assert facts.is_current
    assert not hasattr(facts, "holder_email")


def test_the_category_name_and_status_in_the_readers_language(db):
    endorsement = EndorsementFactory(category__names={"es": "Especialista en Bebés y Familias"})
    with translation.override("es"):
        facts = public_endorsement(endorsement.number)
    assert facts.category_name == "Especialista en Bebés y Familias"
    assert facts.status_label == "Activo"


def test_a_revocation_gives_its_reason_other_statuses_do_not(db):
    revoked = EndorsementFactory(status=EndorsementStatus.REVOKED, status_reason="Ethics finding.")
    lapsed = EndorsementFactory(status=EndorsementStatus.LAPSED, status_reason="Not renewed.")
    facts = public_endorsements([revoked.number, lapsed.number, "nonsense", "X-2026-9999"])
    assert set(facts) == {revoked.number, lapsed.number}
    assert facts[revoked.number].status_reason == "Ethics finding."
    assert facts[lapsed.number].status_reason == ""
    assert not facts[lapsed.number].is_current


def test_malformed_and_unknown_numbers_read_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert public_endorsement("not a number") is None
    assert public_endorsement("NFAIMH-IFS-2026-0001") is None
