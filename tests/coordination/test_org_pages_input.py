"""The organisation chart pages with odd input: control characters in the search box."""

import pytest

from tests.factories import OfficialFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def official_client(client):
    client.force_login(OfficialFactory())
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def unit():
    return OrgUnitFactory(code="yx-data", name="云溪市大数据局")


@pytest.mark.parametrize("query", ["%00", "%00%00", "%01%1F%7F", "%C2%80"])
def test_tree_search_of_control_characters_only_shows_the_whole_tree(unit, official_client, query):
    response = official_client.get(f"/org/?q={query}")
    assert response.status_code == 200
    assert response.context["q"] == ""
    assert "云溪市大数据局" in response.content.decode()


def test_tree_search_ignores_control_characters_around_the_text(unit, official_client):
    response = official_client.get("/org/?q=%00%E5%A4%A7%E6%95%B0%E6%8D%AE%00")  # "\x00大数据\x00"
    assert response.status_code == 200
    assert response.context["q"] == "大数据"
    assert response.context["match_count"] == 1


@pytest.mark.parametrize("path", ["/org/units/%00/", "/org/leading-groups/%00/"])
def test_detail_pages_with_a_nul_in_the_code_are_404(unit, official_client, path):
    assert official_client.get(path).status_code == 404
