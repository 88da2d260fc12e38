import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.enums import Role
from accounts.services import role_grant
from endorsement.enums import ApplicationState as S
from endorsement.models import Application, ApplicationEvent
from endorsement.services import application_register, application_transition
from tests.factories import EndorsementCategoryFactory, RoleGrantFactory, UserFactory


@pytest.fixture
def as_assoc_admin(client, association):
    admin = UserFactory(email="admin@northfield.example.org")
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    return client


@pytest.fixture
def application(association):
    category = EndorsementCategoryFactory(framework__association=association, code="IMHS")
    application = application_register(
        applicant=UserFactory(email="applicant@example.org"), category=category
    )
    return application_transition(
        application=application,
        action="accept",
        by=RoleGrantFactory(user__email="coordinator@example.org", association=association).user,
        note="Welcome.",
    )


def test_association_admin_sees_the_history_read_only(as_assoc_admin, application):
    response = as_assoc_admin.get(f"/admin/endorsement/application/{application.pk}/change/")
    assert response.status_code == 200
    (inline,) = response.context["inline_admin_formsets"]
    assert inline.formset.model is ApplicationEvent
    assert (inline.has_add_permission, inline.has_change_permission) == (False, False)
    assert inline.has_delete_permission is False
    assert [form.instance.to_state for form in inline.formset.forms] == [
        S.REGISTERED,
        S.ACCEPTED,
    ]
    assert "Welcome." in response.content.decode()
    assert list(response.context["adminform"].form.fields) == []


def test_posting_the_application_change_form_cannot_change_the_state(as_assoc_admin, application):
    response = as_assoc_admin.post(
        f"/admin/endorsement/application/{application.pk}/change/",
        {
            "state": S.AWARDED,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "2",
            "events-MIN_NUM_FORMS": "0",
            "events-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code in (200, 302)
    assert Application.objects.get(pk=application.pk).state == S.ACCEPTED
    assert ApplicationEvent.objects.filter(application=application).count() == 2


def test_association_admin_cannot_add_or_delete_applications(as_assoc_admin, application):
    assert as_assoc_admin.get("/admin/endorsement/application/add/").status_code == 403
    url = f"/admin/endorsement/application/{application.pk}/delete/"
    assert as_assoc_admin.post(url, {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=application.pk).exists()


@pytest.mark.parametrize("size", [1, 6])
def test_application_changelist_query_count_is_constant(
    as_assoc_admin, association, django_assert_num_queries, size
):
    category = EndorsementCategoryFactory(framework__association=association)
    for _index in range(size):
        application_register(applicant=UserFactory(), category=category)
    with django_assert_num_queries(9):
        response = as_assoc_admin.get("/admin/endorsement/application/")
    assert len(response.context["cl"].result_list) == size
