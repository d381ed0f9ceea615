import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_operator_home_page_is_italian_and_names_the_site(client_for, site_a):
    response = client_for("operator_a").get(reverse("core:home", kwargs={"site": site_a.slug}))
    assert response.status_code == 200
    assert "Roma" in response.content.decode()
