"""Each kind of event is in the audit log with who, what, when (UTC) and from where: logins
(success, failure), refused permission checks (403 and hidden 404), document downloads, the
application's and the endorsement's steps, billing and the admin site's changes; and each
entry leaves as one JSON line on the ``portal.audit`` logger."""

import datetime
import json
import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from audit.models import AuditEntry
from audit.services import audit_record
from endorsement.enums import ApplicationState
from endorsement.lifecycle import endorsement_transition
from endorsement.services import application_transition
from tests.factories import ApplicationFactory, DocumentFactory, EndorsementFactory, UserFactory

LOGIN = "/accounts/login/"
BROWSER = "Mozilla/5.0 (audit test)"


def newest() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


def assert_recent(entry: AuditEntry):
    assert entry.at.tzinfo is not None
    assert entry.at.utcoffset() == datetime.timedelta(0)
    assert timezone.now() - entry.at < datetime.timedelta(minutes=1)


def test_a_login_is_recorded_with_the_address_and_the_browser(db, client, password):
    user = UserFactory(email="lee@example.org")
    response = client.post(
        LOGIN,
        {"login": user.email, "password": password},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="login")
    assert (entry.actor_id, entry.actor_label) == (user.pk, "lee@example.org")
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.pk))
    assert (entry.ip, entry.user_agent) == ("198.51.100.7", BROWSER)
    assert_recent(entry)


def test_a_failed_login_is_recorded_with_the_address_tried(db, client):
    UserFactory(email="lee@example.org")
    response = client.post(
        LOGIN,
        {"login": "lee@example.org", "password": "wrong"},
        REMOTE_ADDR="198.51.100.8",
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="login.failed")
    assert (entry.actor_id, entry.actor_label, entry.ip) == (
        None,
        "lee@example.org",
        "198.51.100.8",
    )
    assert "wrong" not in json.dumps(entry.details)


def test_behind_a_trusted_proxy_the_forwarded_address_is_recorded(db, client, password, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    client.post(
        LOGIN,
        {"login": user.email, "password": password},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert AuditEntry.objects.get(action="login").ip == "203.0.113.9"


def test_a_403_is_recorded_within_the_association(client, make_staff, association):
    reviewer = make_staff(Role.REVIEWER, association)
    client.force_login(reviewer)
    response = client.get(
        reverse("accounts:people", kwargs={"slug": association.slug}), REMOTE_ADDR="192.0.2.4"
    )
    assert response.status_code == 403
    entry = newest()
    assert entry.action == "permission.denied"
    assert (entry.actor_id, entry.association_id, entry.ip) == (
        reviewer.pk,
        association.pk,
        "192.0.2.4",
    )
    assert (entry.object_id, entry.object_label) == ("accounts:people", "GET /a/northfield/people/")
    assert entry.details == {"reason": "Only an admin of this association may manage its people."}


def test_a_refusal_answered_with_404_is_recorded_a_missing_page_is_not(
    client, make_staff, association, other_association
):
    stranger = make_staff(Role.COORDINATOR, other_association)
    client.force_login(stranger)
    response = client.get(reverse("notifications:outbox", kwargs={"slug": association.slug}))
    assert response.status_code == 404
    entry = newest()
    assert (entry.action, entry.actor_id, entry.association_id) == (
        "permission.hidden",
        stranger.pk,
        association.pk,
    )
    count = AuditEntry.objects.count()
    assert client.get("/a/no-such-association/outbox/").status_code == 404
    assert AuditEntry.objects.count() == count


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = ""


def test_a_document_download_is_recorded_and_a_refused_one_too(
    client, private_storage, association, make_staff, other_association
):
    document = DocumentFactory(
        application__category__framework__association=association,
        original_name="transcript.pdf",
    )
    url = reverse(
        "portfolios:document.download",
        kwargs={"application_id": document.application_id, "pk": document.pk},
    )
    owner = document.application.applicant
    client.force_login(owner)
    response = client.get(url, REMOTE_ADDR="192.0.2.10", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    entry = newest()
    assert (entry.action, entry.actor_id, entry.object_type, entry.object_id) == (
        "document.download",
        owner.pk,
        "portfolios.document",
        str(document.pk),
    )
    assert (entry.object_label, entry.association_id, entry.ip, entry.user_agent) == (
        "transcript.pdf",
        association.pk,
        "192.0.2.10",
        BROWSER,
    )
    stranger = make_staff(Role.COORDINATOR, other_association)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    refused = newest()
    assert (refused.action, refused.actor_id, refused.association_id) == (
        "permission.hidden",
        stranger.pk,
        association.pk,
    )


def test_an_application_step_is_recorded_with_from_and_to(coordinator, association):
    application = ApplicationFactory(
        category__framework__association=association,
        applicant__email="ana@example.org",
        category__code="IFS",
    )
    application_transition(application=application, action="accept", by=coordinator)
    entry = newest()
    assert (entry.action, entry.actor_id, entry.actor_label) == (
        "application.accept",
        coordinator.pk,
        "casey@example.org",
    )
    assert entry.object_label == f"ana@example.org – IFS (#{application.pk})"
    assert entry.details == {"from": ApplicationState.REGISTERED, "to": ApplicationState.ACCEPTED}
    assert (entry.association_id, entry.ip) == (association.pk, None)
    assert_recent(entry)


def test_an_endorsement_step_by_the_portal_is_recorded(association):
    endorsement = EndorsementFactory(
        application__association=association,
        category__framework__association=association,
        number="NF-1",
    )
    endorsement_transition(endorsement=endorsement, action="open_renewal", by=None)
    entry = newest()
    assert (entry.action, entry.actor_id, entry.actor_label) == (
        "endorsement.open_renewal",
        None,
        "portal",
    )
    assert entry.object_label == f"NF-1 ({endorsement.holder.email})"
    assert entry.details == {"from": "active", "to": "renewal_due"}
    assert entry.association_id == association.pk


def test_an_admin_change_is_recorded_within_the_objects_association(client, association):
    from tests.accounts.helpers import with_totp

    root = with_totp(UserFactory(email="root@example.org", is_staff=True, is_superuser=True))
    UserFactory(email="new.coordinator@example.org")
    client.force_login(root)
    response = client.post(
        "/admin/accounts/rolegrant/add/",
        {
            "association": association.pk,
            "user_email": "new.coordinator@example.org",
            "role": Role.COORDINATOR,
        },
        REMOTE_ADDR="192.0.2.99",
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.add")
    assert (entry.actor_id, entry.actor_label, entry.object_type) == (
        root.pk,
        "root@example.org",
        "accounts.rolegrant",
    )
    assert (entry.association_id, entry.ip) == (association.pk, "192.0.2.99")
    assert entry.details == {"change": "Added."}


def test_an_admin_log_entry_is_copied(association):
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.contenttypes.models import ContentType

    root = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    grant_type = ContentType.objects.get_for_model(association)
    LogEntry.objects.create(
        user=root,
        content_type=grant_type,
        object_id=str(association.pk),
        object_repr="Northfield",
        action_flag=ADDITION,
        change_message='[{"added": {}}]',
    )
    entry = AuditEntry.objects.get(action="admin.add")
    assert (entry.actor_id, entry.object_type, entry.object_label, entry.association_id) == (
        root.pk,
        "accounts.association",
        "Northfield",
        association.pk,
    )
    assert entry.details == {"change": "Added."}


def test_each_entry_is_one_json_line_on_the_portal_audit_logger(
    caplog, association, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="portal.audit")
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit_record(
            action="document.download",
            actor_label="someone@example.org",
            object_type="portfolios.document",
            object_id=5,
            object_label="x.pdf",
            association=association,
        )
    [record] = [r for r in caplog.records if r.name == "portal.audit"]
    line = json.loads(record.getMessage())
    assert line == {
        "log": "portal.audit",
        "id": entry.pk,
        "at": entry.at.isoformat(),
        "actor_id": None,
        "actor": "someone@example.org",
        "action": "document.download",
        "object_type": "portfolios.document",
        "object_id": "5",
        "object": "x.pdf",
        "association_id": association.pk,
        "ip": None,
        "user_agent": "",
        "details": {},
    }


def test_a_refusal_to_someone_not_logged_in_names_them_anonymous(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.urls import resolve

    from audit.middleware import AuditMiddleware

    request = rf.post("/api/v1/anything/", REMOTE_ADDR="192.0.2.50")
    request.user = AnonymousUser()
    request.resolver_match = resolve("/")
    AuditMiddleware(lambda request: None).process_exception(request, PermissionDenied("No."))
    entry = newest()
    assert (entry.action, entry.actor_id, entry.actor_label, entry.ip) == (
        "permission.denied",
        None,
        "anonymous",
        "192.0.2.50",
    )
    assert (entry.object_label, entry.association_id, entry.details) == (
        "POST /api/v1/anything/",
        None,
        {"reason": "No."},
    )


def test_a_staff_change_on_the_people_page_is_recorded(association, make_staff):
    from accounts.people import staff_invite

    admin = make_staff(Role.ASSOCIATION_ADMIN, association, user__email="admin@example.org")
    staff_invite(
        association=association, email="new.reviewer@example.org", roles=[Role.REVIEWER], by=admin
    )
    entry = newest()
    assert (entry.action, entry.actor_id, entry.object_label, entry.association_id) == (
        "staff.invited",
        admin.pk,
        "new.reviewer@example.org",
        association.pk,
    )
    assert entry.details == {"roles": [Role.REVIEWER]}
