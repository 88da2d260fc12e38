import pytest
from django.template.loader import render_to_string

from accounts.enums import Role


@pytest.mark.django_db
def test_unknown_address_gets_the_portal_404_page(client):
    response = client.get("/a/no-such-association/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert 'href="/"' in html


@pytest.mark.django_db
def test_refusal_gets_the_portal_403_page_with_the_reason(
    client, association, other_association, make_staff
):
    coordinator = make_staff(Role.COORDINATOR, other_association)
    client.force_login(coordinator)
    response = client.get(f"/a/{association.slug}/dashboard/coordinator/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Not allowed</h1>" in html
    assert "You do not hold this role in this association." in html


def test_500_page_stands_alone_without_context():
    html = render_to_string("500.html")
    assert "<h1>Something went wrong</h1>" in html
