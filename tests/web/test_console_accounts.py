"""The console's account mapping refuses what `jembatan accounts map` refuses (issue 15).

The console used to save any number it was posted: an account that does not exist, or a
revenue account as the bank. It now calls the core's check, so the refusal is the CLI's, shown
on the page in the viewer's language, and nothing is saved.
"""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from framework.domain import Account
from framework.setup.configuration import account_mappings
from framework.setup.users import add_user
from framework.testing.plugins import book, create_mem_link
from framework.web import create_console_app

from .conftest import log_in

PASSWORD = "sangat-rahasia-1"
LINK = "toko"


@pytest.fixture
def client(app):
    create_mem_link(app, LINK)
    book(LINK).accounts = [Account(number="1101", name="Kas Besar", kind="CASH_BANK"),
                           Account(number="4102", name="Pendapatan Ongkir", kind="REVENUE"),
                           Account(number="C.MP", name="Pelanggan Marketplace", kind="CUSTOMER")]
    with app.session() as session:
        add_user(session, "admin", PASSWORD, admin=True)
    with TestClient(create_console_app(app)) as client:
        yield log_in(client, "admin", PASSWORD)


def _save(client, lang: str, **roles: str):
    page = client.get(f"/links/{LINK}/accounts", headers={"accept-language": lang}).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = client.post(f"/links/{LINK}/accounts/save", headers={"accept-language": lang},
                         data={"csrf": csrf, **{f"role_{r}": n for r, n in roles.items()}})
    assert answer.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", answer.text).split())


def _mapped(app) -> dict[str, str]:
    with app.session() as session:
        return {m.role.value: m.value for m in account_mappings(session, LINK)}


def test_an_account_of_the_wrong_type_is_refused_with_the_clis_message(app, client) -> None:
    shown = _save(client, "en", bank="4102", shipping_fee="4102")
    assert "Account mapping not saved: 4102 is a REVENUE account (Pendapatan Ongkir); bank " \
           "needs a cash/bank account" in shown
    assert "1101 (Kas Besar)" in shown  # the fix lists the fitting account
    assert _mapped(app) == {}  # nothing saved, not even the valid shipping_fee


def test_an_account_that_does_not_exist_is_refused_in_indonesian_too(app, client) -> None:
    shown = _save(client, "id", shipping_fee="9999")
    assert "Pemetaan akun tidak disimpan: 9999 does not exist in the accounting system" in shown
    assert _mapped(app) == {}


def test_fitting_accounts_are_saved(app, client) -> None:
    shown = _save(client, "en", bank="1101", shipping_fee="4102", customer="C.MP")
    assert "Account mapping saved." in shown
    assert _mapped(app) == {"bank": "1101", "shipping_fee": "4102", "customer": "C.MP"}


def _offered(client, role: str) -> list[str]:
    page = client.get(f"/links/{LINK}/accounts").text
    select = page.split(f'<select name="role_{role}"', 1)[1].split("</select>", 1)[0]
    return [n for n in re.findall(r'<option value="([^"]*)"', select) if n]


def test_the_console_offers_exactly_what_the_check_accepts_likeliest_first(app, client) -> None:
    # Accurate's account-type names are not in the reference: a chart may use one this
    # code has never seen (here "INCOME"), and that account must still be offered and saved.
    book(LINK).accounts += [Account(number="5101", name="Biaya Admin", kind="EXPENSE"),
                            Account(number="4999", name="Ongkir Lain", kind="INCOME")]
    offered = _offered(client, "shipping_fee")
    assert offered == ["4102", "5101", "4999"]  # the revenue account first; no bank, no customer
    assert _offered(client, "bank") == ["1101"]
    assert "Account mapping saved." in _save(client, "en", shipping_fee="4999")
    assert _mapped(app) == {"shipping_fee": "4999"}


def test_for_every_role_the_choices_are_the_accounts_the_check_accepts() -> None:
    from framework.errors import ConfigError
    from framework.jobs import AccountRole
    from framework.setup.operations import AccountChoices, check_account

    accounts = [Account(number=n, name=n, kind=k) for n, k in (
        ("1101", "CASH_BANK"), ("4101", "REVENUE"), ("4201", "OTHER_INCOME"),
        ("5101", "EXPENSE"), ("5201", "COGS"), ("1301", "FIXED_ASSET"), ("C.MP", "CUSTOMER"))]
    choices = AccountChoices(accounts, {})
    for role in AccountRole:
        accepted = set()
        for account in accounts:
            try:
                check_account(LINK, role, account.number, accounts)
                accepted.add(account.number)
            except ConfigError:
                pass
        assert {a.number for a in choices.for_role(role)} == accepted, role


def test_the_usual_accounts_and_the_rest_of_the_chart_are_offered_apart(client) -> None:
    book(LINK).accounts += [Account(number="1301", name="Peralatan Kantor", kind="FIXED_ASSET")]
    page = client.get(f"/links/{LINK}/accounts", headers={"accept-language": "id"}).text
    select = page.split('<select name="role_shipping_fee"', 1)[1].split("</select>", 1)[0]
    usual, other = select.split('<optgroup label="Akun lain dari daftar akun">')
    assert 'label="Lazim untuk peran ini"' in usual and 'value="4102"' in usual
    assert 'value="1301"' in other and 'value="1301"' not in usual
    bank = page.split('<select name="role_bank"', 1)[1].split("</select>", 1)[0]
    assert "<optgroup" not in bank  # a role without usual types: one plain list
