def test_home_page_lists_associations(client, association):
    response = client.get("/")
    assert response.status_code == 200
    assert association.name in response.content.decode()
