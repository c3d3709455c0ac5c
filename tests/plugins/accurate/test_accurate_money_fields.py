"""The money fields of reference §9 in the emulator: totals, outstanding and GL balances."""

from __future__ import annotations

from decimal import Decimal

import pytest

from framework import ProviderConfigError, ProviderPermanentError

WH = "Gudang Utama"
AR, SALES, SALES_DISCOUNT, SALES_RETURN, PPN, PPH = "1103", "4000", "4200", "4300", "2103", "1106"
BANK, SHIPPING, FEES, SUBSIDY = "1101", "4101", "6201", "7101"


@pytest.fixture
def client(emulator, db, token_client):
    emulator.add_customer(db, "C1", "Shopee (marketplace)")
    emulator.add_account(db, FEES, "Biaya Marketplace", "EXPENSE")
    emulator.add_account(db, SUBSIDY, "Pendapatan Subsidi", "OTHER_INCOME")
    with token_client(emulator, db) as built:
        yield built


def _invoice(client, number="SI.1", **header):
    lines = header.pop("lines", [{"itemNo": "A1", "quantity": 2, "unitPrice": 50000,
                                  "warehouseName": WH}])
    return client.save("sales-invoice", {"number": number, "customerNo": "C1",
                                         "transDate": "02/11/2026", "detailItem": lines,
                                         **header}).r


def test_line_and_invoice_discounts_and_expenses(client, emulator, db) -> None:
    saved = _invoice(client, lines=[
        {"itemNo": "A1", "quantity": 2, "unitPrice": 50000, "itemDiscPercent": "10+5",
         "warehouseName": WH},
        {"itemNo": "B2", "quantity": 1, "unitPrice": 25000, "itemCashDiscount": 5000,
         "warehouseName": WH}],
        cashDiscount=1500, detailExpense=[
            {"accountNo": SHIPPING, "expenseAmount": 12000, "expenseName": "Ongkir JNE"},
            {"accountNo": SHIPPING, "expenseAmount": -2000, "expenseName": "Koreksi"}])
    lines = 100000 * Decimal("0.9") * Decimal("0.95") + 20000
    assert Decimal(str(saved["subTotal"])) == lines == 105500
    assert saved["totalAmount"] == 105500 - 1500 + 10000
    assert saved["detailItem"][0]["itemCashDiscount"] == 100000 - 85500
    assert emulator.balances(db) == {AR: 114000, SALES: -105500, SALES_DISCOUNT: 1500,
                                     SHIPPING: -10000}
    assert client.detail("sales-invoice", number="SI.1")["outstanding"] == 114000


@pytest.mark.parametrize(("inclusive", "total", "tax"), [(True, 111000, 11000),
                                                         (False, 123210, 12210)])
def test_ppn_inclusive_and_exclusive(client, emulator, db, inclusive, total, tax) -> None:
    saved = _invoice(client, taxable=True, inclusiveTax=inclusive, lines=[
        {"itemNo": "A1", "quantity": 2, "unitPrice": 55500, "useTax1": True,
         "warehouseName": WH}])
    assert saved["totalAmount"] == total and saved["tax1Amount"] == tax
    balances = emulator.balances(db)
    assert balances[PPN] == -tax and balances[AR] == total
    assert sum(balances.values()) == 0


def test_receipt_fees_subsidies_and_withheld_tax_settle_the_invoice(client, emulator, db) -> None:
    _invoice(client)  # 100 000
    receipt = {"customerNo": "C1", "bankNo": BANK, "number": "SR.P1", "transDate": "10/11/2026",
               "chequeAmount": 91000, "detailInvoice": [{
                   "invoiceNo": "SI.1", "paymentAmount": 91000, "paidPph": True,
                   "pphNumber": "PPH-1",
                   "detailDiscount": [
                       {"amount": 8000, "accountNo": FEES, "discountNotes": "Komisi"},
                       {"amount": 2000, "accountNo": FEES, "discountNotes": "Biaya layanan"},
                       {"amount": -3000, "accountNo": SUBSIDY, "discountNotes": "Subsidi"}]}],
               "detailTax": [{"detailInvoiceNo": "SI.1", "taxId": 51, "taxAmount": 2000}]}
    client.save("sales-receipt", receipt)
    invoice = client.detail("sales-invoice", number="SI.1")
    assert invoice["outstanding"] == 0 and invoice["statusName"] == "Lunas"
    balances = emulator.balances(db)
    assert balances[BANK] == 91000 and balances[FEES] == 10000 and balances[SUBSIDY] == -3000
    assert balances[PPH] == 2000 and AR not in balances  # fully settled
    detail = client.detail("sales-receipt", number="SR.P1")
    assert detail["detailInvoice"][0]["detailDiscount"][0]["accountNo"] == FEES
    assert detail["detailInvoice"][0]["invoice"]["number"] == "SI.1"


def test_receipt_refusals(client) -> None:
    _invoice(client)
    base = {"customerNo": "C1", "bankNo": BANK, "transDate": "10/11/2026"}
    with pytest.raises(ProviderPermanentError, match="Nilai Pembayaran tidak mencukupi"):
        client.save("sales-receipt", {**base, "chequeAmount": 10, "detailInvoice": [
            {"invoiceNo": "SI.1", "paymentAmount": 100}]})
    with pytest.raises(ProviderPermanentError, match="melebihi sisa piutang"):
        client.save("sales-receipt", {**base, "chequeAmount": 95000, "detailInvoice": [
            {"invoiceNo": "SI.1", "paymentAmount": 95000,
             "detailDiscount": [{"amount": 6000, "accountNo": FEES}]}]})
    with pytest.raises(ProviderPermanentError, match="Akun Perkiraan 9999 tidak tepat"):
        client.save("sales-receipt", {**base, "chequeAmount": 1, "detailInvoice": [
            {"invoiceNo": "SI.1", "paymentAmount": 1,
             "detailDiscount": [{"amount": 1, "accountNo": "9999"}]}]})
    with pytest.raises(ProviderPermanentError, match="Pajak 77 tidak tepat"):
        client.save("sales-receipt", {**base, "chequeAmount": 1, "detailInvoice": [
            {"invoiceNo": "SI.1", "paymentAmount": 1}],
            "detailTax": [{"detailInvoiceNo": "SI.1", "taxId": 77, "taxAmount": 1}]})
    assert client.detail("sales-invoice", number="SI.1")["outstanding"] == 100000


def test_one_receipt_pays_several_invoices(client, emulator, db) -> None:
    _invoice(client, "SI.1")
    _invoice(client, "SI.2", lines=[{"itemNo": "B2", "quantity": 1, "warehouseName": WH}])
    client.save("sales-receipt", {"customerNo": "C1", "bankNo": BANK, "chequeAmount": 120000,
                                  "detailInvoice": [{"invoiceNo": "SI.1", "paymentAmount": 100000},
                                                    {"invoiceNo": "SI.2",
                                                     "paymentAmount": 20000}]})
    assert client.detail("sales-invoice", number="SI.2")["outstanding"] == 5000
    assert emulator.balances(db)[AR] == 5000


def test_branch_name_is_needed_once_there_are_several(client, emulator, db) -> None:
    _invoice(client, "SI.1")
    emulator.add_branch(db, "Cabang Surabaya")
    with pytest.raises(ProviderConfigError, match="lebih dari satu cabang"):
        _invoice(client, "SI.2")
    with pytest.raises(ProviderPermanentError, match="Cabang Bandung tidak tepat"):
        _invoice(client, "SI.2", branchName="Bandung")
    saved = _invoice(client, "SI.2", branchName="Cabang Surabaya")
    assert saved["branchName"] == "Cabang Surabaya" and saved["branch"]["name"] == saved[
        "branchName"]
    listed = list(client.iter_list("sales-invoice", ("number",),
                                   extra={"filter.branchName": "Cabang Surabaya"}))
    assert [row["number"] for row in listed] == ["SI.2"]


def test_sales_return_against_an_invoice(client, emulator, db) -> None:
    _invoice(client, taxable=True, inclusiveTax=True)  # 2 x A1 at 50 000, PPN inside
    before = emulator.stock(db, "A1", WH)
    saved = client.save("sales-return", {"customerNo": "C1", "returnType": "INVOICE",
                                         "invoiceNumber": "SI.1", "number": "RT.1",
                                         "transDate": "05/11/2026", "detailExpense": [],
                                         "detailItem": [{"itemNo": "A1", "quantity": 1,
                                                         "warehouseName": WH}]}).r
    assert saved["totalAmount"] == 50000  # the invoice's price and tax switches
    assert emulator.stock(db, "A1", WH)[0] == before[0] + 1
    invoice = client.detail("sales-invoice", number="SI.1")
    assert invoice["outstanding"] == 50000
    assert [h["historyType"] for h in invoice["receiptHistory"]] == ["SALES_RETURN"]
    balances = emulator.balances(db)
    assert balances[AR] == 50000 and balances[SALES_RETURN] > 0 and sum(balances.values()) == 0
    with pytest.raises(ProviderPermanentError, match="melebihi kuantitas"):
        client.save("sales-return", {"customerNo": "C1", "returnType": "INVOICE",
                                     "invoiceNumber": "SI.1", "detailItem": [
                                         {"itemNo": "A1", "quantity": 2, "warehouseName": WH}]})
    with pytest.raises(ProviderPermanentError, match="Faktur Penjualan SI.X tidak tepat"):
        client.save("sales-return", {"customerNo": "C1", "returnType": "INVOICE",
                                     "invoiceNumber": "SI.X", "detailItem": []})


def test_journal_voucher_and_get_balance(client, emulator, db) -> None:
    client.save("journal-voucher", {"transDate": "30/11/2026", "detailJournalVoucher": [
        {"accountNo": BANK, "amount": 500, "amountType": "DEBIT"},
        {"accountNo": SUBSIDY, "amount": 500, "amountType": "CREDIT"}]})
    assert client.data("GET", "glaccount/get-balance.do",
                       params={"no": BANK, "asOfDate": "30/11/2026"}).d == 500
    with pytest.raises(ProviderPermanentError, match="Debit dan Kredit"):
        client.save("journal-voucher", {"detailJournalVoucher": [
            {"accountNo": BANK, "amount": 500, "amountType": "DEBIT"}]})
    assert emulator.balances(db) == {BANK: 500, SUBSIDY: -500}


def test_bad_money_values_are_clean_refusals(client) -> None:
    for bad in ("abc", "NaN", True, "1e999999"):
        with pytest.raises(ProviderPermanentError, match="tidak valid"):
            _invoice(client, "SI.BAD", lines=[{"itemNo": "A1", "quantity": 1,
                                               "unitPrice": bad}])
    with pytest.raises(ProviderPermanentError, match="detailItem tidak valid"):
        client.save("sales-invoice", {"customerNo": "C1", "detailItem": "A1"})
    assert client.detail("sales-invoice", number="SI.BAD") is None
