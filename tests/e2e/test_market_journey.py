"""Journey: an owner posts a service need with public funds; the public announcement shows only the
seed's hash; the owner runs the random draw; the announcement now shows the revealed seed and the
winner, and the public verify page recomputes the same winner from the seed."""

import pytest

from approvals.intermediaries.models import Need
from tests.factories import PASSWORD
from tests.factories.intermediaries import build_market

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_posts_a_need_the_draw_runs_and_the_public_verifies_it(live_server, page_factory, screenshot):
    market = build_market(count=4)

    owner = page_factory()
    owner.goto(live_server.url + "/accounts/login/")
    owner.fill("#id_username", market["owner"].username)
    owner.fill("#id_password", PASSWORD)
    owner.click("#login-form [type=submit]")
    owner.goto(live_server.url + "/market/my/")
    owner.click("#new-need")
    owner.select_option("#id_service_type", "assessment")
    owner.fill("#id_project_name", "云溪数字产业园二期环境影响评价")
    owner.fill("#id_budget_ceiling", "380000")
    owner.fill("#id_service_days", "30")
    owner.check("#id_public_funds")
    owner.select_option("#id_mode", "draw")
    screenshot(owner, "market-01-owner-posts-need")
    owner.click("#need-form [type=submit]")
    owner.locator("#run-draw").wait_for()
    need = Need.objects.get()
    assert need.public_funds and need.owner == market["owner"]

    public = page_factory()
    public.goto(f"{live_server.url}/market/announcements/{need.uuid}/")
    assert public.locator("#seed-hash").inner_text() == need.seed_hash
    assert public.locator("#seed-pending").count() == 1 and public.locator("#seed").count() == 0
    screenshot(public, "market-02-announcement-hash-only")

    owner.click("#run-draw")
    owner.locator("#winner").wait_for()
    screenshot(owner, "market-03-owner-draw-result")
    need.refresh_from_db()
    assert need.status == "selected" and need.winner is not None

    public.reload()
    assert public.locator("#seed").inner_text() == need.seed
    assert public.locator("#winner").get_attribute("data-uscc") == need.winner.uscc
    assert public.locator("#candidates tbody tr").count() == 4
    screenshot(public, "market-04-announcement-seed-revealed")

    public.click("#verify-link")
    result = public.locator("#verify-result")
    assert result.get_attribute("data-seed-matches") == "yes"
    assert result.get_attribute("data-winner-matches") == "yes"
    assert need.winner.uscc in public.locator("#verify-winner").inner_text()
    screenshot(public, "market-05-verify-confirms-winner")

    # Anyone may try another seed: it does not match the published hash.
    public.fill("#id_seed", "0" * 64)
    public.click("#verify-form [type=submit]")
    assert public.locator("#verify-result").get_attribute("data-seed-matches") == "no"
    screenshot(public, "market-06-verify-wrong-seed")
