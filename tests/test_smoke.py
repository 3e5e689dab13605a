def test_landing_page_sends_staff_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "/auth/login" in response.get_data(as_text=True)
