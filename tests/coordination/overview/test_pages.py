"""The overview pages for each kind of viewer: the leaders' dashboard, the large-screen mode and the
public version; anonymous users get the public version only."""

import re

import pytest

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>")


def section_html(html, key):
    return html.split(f'id="overview-{key}"', 1)[1].split("</section>", 1)[0]


def test_anonymous_users_are_sent_to_log_in(client, city2):
    for path in ("/overview/", "/overview/screen/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_users_see_the_public_version(client, city2):
    response = client.get("/overview/public/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "City overview: public figures" in html
    assert (
        "Open data resources" in html and "Projects disclosed" in html and "Cases finished this year" in html
    )
    assert "Open cases" not in html and "integrity" not in html
    assert (
        'href="/supervision/public/"' in html
        and 'href="/data/open/"' in html
        and 'href="/ppp/public/"' in html
    )
    assert 'id="overview-data"' in html


def test_applicants_are_sent_to_the_public_version(client, city2):
    client.force_login(city2.citizen)
    response = client.get("/overview/")
    assert response.status_code == 302 and response["Location"] == "/overview/public/"


def test_the_leader_sees_every_tile_with_its_number_and_link(client, city2):
    client.force_login(city2.leader)
    response = client.get("/overview/")
    assert response.status_code == 200
    html = response.content.decode()
    for title in ("Administrative approvals", "Data sharing", "PPP projects"):
        assert title in html
    tile = re.search(
        r'data-metric="approvals:0">\s*<span class="overview-tile-label">([^<]+)</span>'
        r'\s*<span class="overview-tile-value"><span class="overview-number" data-value>(\d+)',
        html,
    )
    assert tile and tile.groups() == ("Applications this month", "8")
    # Tiles link to pages the leader may open: the PPP disclosure, not /ppp/ (he holds no PPP role).
    ppp = section_html(html, "ppp")
    assert 'href="/ppp/public/"' in ppp and 'href="/ppp/"' not in ppp
    assert 'href="/data/catalogue/"' in section_html(html, "sharing")
    assert 'data-chart="approvals-trend"' in html and 'data-chart="sharing-calls"' in html
    assert 'data-chart="ppp-stages"' in html
    assert "vendor/echarts/echarts.min.js" in html and "overview/overview.js" in html
    assert not INLINE_SCRIPT.search(html)


def test_a_department_official_sees_his_sections_only(client, city2):
    client.force_login(city2.reviewer_a)
    html = client.get("/overview/").content.decode()
    assert 'data-section="approvals"' in html and 'data-section="ppp"' in html
    assert 'data-section="sharing"' not in html
    assert city2.b.name not in html


def test_a_ppp_manager_is_linked_to_the_ppp_pages(client, city2):
    client.force_login(city2.manager)
    html = client.get("/overview/").content.decode()
    ppp = section_html(html, "ppp")
    assert 'href="/ppp/"' in ppp and 'href="/ppp/performance/"' in ppp
    assert client.get("/ppp/").status_code == 200


def test_an_official_with_nothing_to_see_gets_an_empty_page(client, city2):
    client.force_login(city2.plain)
    response = client.get("/overview/")
    assert response.status_code == 200
    assert 'data-section="approvals"' not in response.content.decode()


def test_the_screen_mode_refetches_the_json_endpoint(client, city2):
    client.force_login(city2.leader)
    html = client.get("/overview/screen/").content.decode()
    assert 'class="overview-screen"' in html and 'data-refresh-url="/overview/data.json"' in html
    assert 'data-refresh-seconds="60"' in html
    assert "screen-cols-" in html and 'data-theme="dark"' in html
    assert not INLINE_SCRIPT.search(html)
    assert 'data-refresh-seconds="5"' in client.get("/overview/screen/?refresh=5").content.decode()
    assert 'data-refresh-seconds="2"' in client.get("/overview/screen/?refresh=0").content.decode()
    assert 'data-refresh-seconds="60"' in client.get("/overview/screen/?refresh=x").content.decode()


@pytest.mark.parametrize("username", ["leader", "supervisor", "reviewer_a", "steward_a", "manager"])
def test_every_kind_of_official_gets_both_pages_in_chinese(client, city2, username):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    client.force_login(getattr(city2, username))
    for path in ("/overview/", "/overview/screen/", "/overview/public/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<html lang="zh-hans">' in response.content.decode()
