"""Anyone with a staff role must set up an authenticator app; nothing lets them skip it."""

from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from accounts.enums import Role
from accounts.services import role_grant
from tests.factories import RoleGrantFactory, UserFactory

ACTIVATE = "/accounts/2fa/totp/activate/"
ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def staff_without_totp(association):
    return RoleGrantFactory(role=Role.COORDINATOR, association=association).user


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/dashboard/",
        "/dashboard/applicant/",
        "/profile/",
        "/a/northfield/",
        "/a/northfield/dashboard/coordinator/",
        "/admin/",
        "/admin/accounts/membership/",
    ],
)
def test_staff_role_without_totp_is_sent_to_activation(client, staff_without_totp, path):
    client.force_login(staff_without_totp)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"{ACTIVATE}?next={path.replace('/', '%2F')}"


def test_activation_redirect_keeps_the_query_string(client, staff_without_totp):
    client.force_login(staff_without_totp)
    response = client.get("/profile/?tab=one&x=2")
    assert response["Location"] == f"{ACTIVATE}?next=%2Fprofile%2F%3Ftab%3Done%26x%3D2"


@pytest.mark.parametrize("role", list(Role))
def test_every_staff_role_needs_totp(client, association, role):
    user = RoleGrantFactory(role=role, association=association).user
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{ACTIVATE}?")


def test_superuser_and_platform_staff_need_totp(client, db):
    for user in (UserFactory(is_staff=True, is_superuser=True), UserFactory(is_staff=True)):
        client.force_login(user)
        response = client.get("/admin/")
        assert response.status_code == 302
        assert response["Location"] == f"{ACTIVATE}?next=%2Fadmin%2F"


def test_staff_without_totp_can_still_reach_account_pages_and_log_out(client, staff_without_totp):
    client.force_login(staff_without_totp)
    assert client.get("/accounts/logout/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


def test_staff_without_totp_can_still_load_static_files(client, staff_without_totp):
    client.force_login(staff_without_totp)
    response = client.get("/static/css/portal.css")
    assert response.status_code == 200
    b"".join(response.streaming_content)


def test_staff_without_totp_can_still_switch_language(client, staff_without_totp):
    client.force_login(staff_without_totp)
    response = client.post("/language/", {"language": "es", "next": "/accounts/2fa/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"


def test_health_check_is_not_redirected(client, staff_without_totp):
    client.force_login(staff_without_totp)
    assert not client.get("/healthz").headers.get("Location", "").startswith(ACTIVATE)


def test_staff_with_totp_reaches_their_dashboard(client, make_staff, association):
    client.force_login(make_staff(Role.COORDINATOR, association))
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain == [("/a/northfield/dashboard/coordinator/", 302)]
    assert response.status_code == 200


def test_recovery_codes_alone_do_not_count(client, staff_without_totp):
    Authenticator.objects.create(
        user=staff_without_totp, type=Authenticator.Type.RECOVERY_CODES, data={}
    )
    client.force_login(staff_without_totp)
    assert client.get("/dashboard/")["Location"].startswith(f"{ACTIVATE}?")


@pytest.mark.parametrize("path", ["/", "/dashboard/applicant/", "/profile/", "/a/northfield/"])
def test_applicant_without_roles_is_never_redirected(client, user, association, path):
    client.force_login(user)
    assert client.get(path).status_code == 200


def test_anonymous_is_not_sent_to_activation(client, db):
    assert client.get("/").status_code == 200


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_after_activating_totp_the_staff_member_reaches_their_dashboard(
    client, staff_without_totp, password
):
    response = client.post(
        "/accounts/login/", {"login": staff_without_totp.email, "password": password}
    )
    assert response.status_code == 302
    assert client.get("/dashboard/")["Location"] == f"{ACTIVATE}?next=%2Fdashboard%2F"

    # Adding an authenticator asks for the password again (a stolen session is not enough).
    response = client.get(ACTIVATE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302

    assert client.get(ACTIVATE).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(ACTIVATE, {"code": _current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user=staff_without_totp, type=Authenticator.Type.TOTP
    ).exists()

    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain == [("/a/northfield/dashboard/coordinator/", 302)]
    assert response.status_code == 200


# The admin site's own password form would log a staff member in without the second factor.


def test_admin_login_page_sends_to_the_portal_login(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/membership/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/accounts/membership/"


def test_admin_login_ignores_an_offsite_next(client, db):
    response = client.get("/admin/login/?next=https://evil.example.com/")
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_admin_login_form_cannot_be_used_to_skip_the_second_factor(client, association, password):
    admin = UserFactory()
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    assert SESSION_KEY not in client.session
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_admin_login_when_already_allowed_goes_to_next(client, association):
    admin = UserFactory()
    role_grant(association=association, user=admin, role=Role.ASSOCIATION_ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    response = client.get("/admin/login/?next=/admin/accounts/membership/")
    assert response["Location"] == "/admin/accounts/membership/"


def test_admin_login_refuses_a_signed_in_user_without_admin_access(client, make_staff, association):
    client.force_login(make_staff(Role.COORDINATOR, association))
    assert client.get("/admin/login/?next=/admin/").status_code == 403


# No setting lets anyone skip the second factor.


def test_no_totp_bypass_code_is_configured():
    from allauth.mfa import app_settings

    assert not hasattr(settings, "MFA_TOTP_INSECURE_BYPASS_CODE")
    assert app_settings.TOTP_INSECURE_BYPASS_CODE is None


def test_no_bypass_code_or_mfa_switch_anywhere_in_the_project():
    offenders = []
    for path in ROOT.rglob("*"):
        parts = set(path.relative_to(ROOT).parts)
        if parts & {".venv", "node_modules", "staticfiles", ".git", "var", "tests"}:
            continue
        if path.is_file() and path.suffix in {".py", ".env", ".yml", ".yaml", ".toml", ""}:
            text = path.read_text(errors="ignore")
            if "INSECURE_BYPASS" in text:
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_mfa_middleware_is_installed_after_authentication():
    middleware = settings.MIDDLEWARE
    assert "accounts.middleware.RequireMFAForStaffRolesMiddleware" in middleware
    assert middleware.index("accounts.middleware.RequireMFAForStaffRolesMiddleware") > (
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    )


def test_removing_the_authenticator_makes_the_middleware_look_again(
    client, make_staff, association
):
    from allauth.mfa.signals import authenticator_removed

    from accounts.middleware import SESSION_HAS_TOTP

    coordinator = make_staff(Role.COORDINATOR, association)
    client.force_login(coordinator)
    dashboard = f"/a/{association.slug}/dashboard/coordinator/"
    assert client.get(dashboard).status_code == 200
    assert client.session[SESSION_HAS_TOTP] is True

    authenticator = Authenticator.objects.get(user=coordinator, type=Authenticator.Type.TOTP)
    authenticator.delete()
    response = client.get(dashboard)
    assert response.status_code == 200  # the session still carries the mark ...

    request = response.wsgi_request
    authenticator_removed.send(
        sender=Authenticator, request=request, user=coordinator, authenticator=authenticator
    )
    request.session.save()
    response = client.get(dashboard)
    assert response.status_code == 302  # ... until allauth reports the removal
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
