"""Tenant isolation, CSRF and logout in a real browser, and the console on a phone.

Two links to two Accurate databases; the operator ``budi`` is granted only the Ginee one. Every
page, action and record id of the other link answers 404, admin pages 403; a POST without the
CSRF token is refused; after logout nothing is reachable.
"""

from __future__ import annotations

import pytest

from framework.jobs import RecordKind, RecordStatus
from framework.setup.links import create_link
from framework.storage.models import PushRecord
from framework.sync.records import write_record
from jembatan_demo.world import link_settings

from .conftest import OPERATOR, OPERATOR_PASSWORD, Site, shoot, submit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def links(site: Site) -> dict[str, int]:
    """Both links, with one failed order record each; returns their record ids."""
    ids = {}
    with site.app.session() as session:
        for store in site.world.stores:
            create_link(session, site.app.secrets, id=store.link_id, name=store.link_id,
                        **link_settings(site.world, store))
            write_record(session, link_id=store.link_id, kind=RecordKind.ORDER,
                         ref=f"ORDER-{store.platform}", document="sales_order",
                         status=RecordStatus.FAILED, reason="Customer tidak ditemukan")
    with site.app.session() as session:
        for record in session.query(PushRecord):
            ids[record.link_id] = record.id
    site.jembatan("users", "grant", OPERATOR, "toko-ginee")
    return ids


@pytest.fixture(scope="module")
def operator(site: Site, links):
    page = site.new_page()
    try:
        site.login(page, OPERATOR, OPERATOR_PASSWORD)
        yield page
    finally:
        page.context.close()


def test_an_operator_cannot_open_another_links_pages_or_records(site: Site, links,
                                                                 operator) -> None:
    home = operator.text_content("main")
    assert "toko-ginee" in home and "toko-forstok" not in home
    assert operator.goto(f"{site.url}/links/toko-ginee").status == 200
    for path in ("/links/toko-forstok", "/links/toko-forstok/records?kind=order",
                 "/links/toko-forstok/accounts", "/links/toko-forstok/jobs",
                 "/links/toko-forstok/orders/ORDER-forstok", "/links/toko-forstok/check",
                 "/links/toko-forstok/products/sync"):
        answer = operator.goto(f"{site.url}{path}")
        assert answer.status == 404, path
        assert "404" in operator.text_content("main")
    assert operator.goto(f"{site.url}/links/new?platform=ginee").status == 403
    operator.goto(f"{site.url}/links/toko-ginee/records?kind=order")
    csrf = operator.get_attribute("input[name=csrf]", "value")
    other = links["toko-forstok"]
    for path in (f"/links/toko-ginee/records/{other}/repush",  # own link, foreign record
                 f"/links/toko-forstok/records/{other}/repush",
                 "/links/toko-forstok/features", "/links/toko-forstok/disconnect/confirm"):
        answer = operator.request.post(f"{site.url}{path}", form={"csrf": csrf},
                                       max_redirects=0)
        assert answer.status == 404, path
    with site.app.session() as session:
        record = session.get(PushRecord, other)
        assert record.status == RecordStatus.FAILED  # nothing was re-pushed


def test_a_post_without_the_csrf_token_is_refused(site: Site, links, operator) -> None:
    before = site.jembatan("features", "show", "--link", "toko-ginee")
    for form in ({"feature_auto_paid": "on"}, {"feature_auto_paid": "on", "csrf": "forged"}):
        answer = operator.request.post(f"{site.url}/links/toko-ginee/features", form=form,
                                       max_redirects=0)
        assert answer.status == 403
    own = links["toko-ginee"]
    answer = operator.request.post(f"{site.url}/links/toko-ginee/records/{own}/repush",
                                   form={}, max_redirects=0)
    assert answer.status == 403
    assert site.jembatan("features", "show", "--link", "toko-ginee") == before


def test_on_a_phone(site: Site, links) -> None:
    page = site.new_page(width=390, height=844, is_mobile=True, has_touch=True,
                         device_scale_factor=2)
    try:
        site.login(page)
        assert page.is_visible("#link-toko-ginee")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing wider than the screen; tables scroll inside their box
        shoot(page, "20-phone", full_page=False)
        page.goto(f"{site.url}/links/toko-ginee/records?kind=order")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        page.context.close()


def test_after_logout_nothing_is_reachable(site: Site, links, operator) -> None:
    operator.goto(f"{site.url}/")
    submit(operator, "#logout")
    assert "/login" in operator.url
    operator.goto(f"{site.url}/links/toko-ginee")
    assert "/login" in operator.url
    answer = operator.request.post(f"{site.url}/links/toko-ginee/features", form={},
                                   max_redirects=0)
    assert answer.status == 401
