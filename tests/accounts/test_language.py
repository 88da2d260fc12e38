from django.conf import settings

from tests.factories import DEFAULT_PASSWORD, UserFactory


def test_signed_in_choice_is_remembered_on_the_account(client, user):
    assert user.preferred_language == "en"
    client.force_login(user)
    response = client.post("/language/", {"language": "es", "next": "/profile/"})
    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    user.refresh_from_db()
    assert user.preferred_language == "es"

    page = client.get("/profile/")
    assert '<html lang="es">' in page.content.decode()
    assert page["Content-Language"] == "es"


def test_remembered_choice_follows_the_person_to_a_new_session(client, user):
    client.force_login(user)
    client.post("/language/", {"language": "es", "next": "/"})
    client.logout()
    client.cookies.clear()
    client.force_login(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="es">' in page.content.decode()


def test_account_language_wins_over_the_browser(client, user):
    user.preferred_language = "es"
    user.save()
    client.force_login(user)
    page = client.get("/dashboard/applicant/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="es">' in page.content.decode()


def test_anonymous_choice_is_kept_in_a_cookie(client, db):
    response = client.post("/language/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get("/")
    assert '<html lang="es">' in page.content.decode()


def test_back_to_english(client, user):
    user.preferred_language = "es"
    user.save()
    client.force_login(user)
    client.post("/language/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    assert '<html lang="en">' in client.get("/").content.decode()


def test_unknown_language_is_ignored(client, user):
    client.force_login(user)
    response = client.post("/language/", {"language": "xx", "next": "/profile/"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_offsite_next_is_not_followed(client, db):
    response = client.post("/language/", {"language": "es", "next": "https://evil.example.com/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_language_switch_is_post_only(client, user):
    client.force_login(user)
    assert client.get("/language/?language=es").status_code == 405
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_logging_in_speaks_the_preferred_language_at_once(client, db):
    UserFactory(email="ana@example.org", full_name="Ana Pérez", preferred_language="es")
    response = client.post(
        "/accounts/login/",
        {"login": "ana@example.org", "password": DEFAULT_PASSWORD},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert messages == ["Ha iniciado sesión exitosamente como Ana Pérez."]
    assert '<html lang="es">' in response.content.decode()
