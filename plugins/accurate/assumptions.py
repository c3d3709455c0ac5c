"""Every remaining assumed ([U] in the reference, [A] here) part of Accurate's contract.

The reference (``shared/reference/accurate-api.md``) marks facts [D] (vendor page), [C-DOC],
[C-OFF], [C-CODE], [C1] and [U] (uncertain). Whatever the client or the emulator does where
the reference is [U] or silent is decided here, with the reference section it comes from, so
correcting one choice is a one-line change: the client and the emulator both read these names
and the tests show what depends on them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final

# ------------------------------------------------------------------ host discovery (§2.2)

#: keys of ``api-token.do``'s ``d`` that may hold the database, tried in order. ``database``
#: is what production clients read [C-CODE]; ``data usaha`` is the PDF summaries' key [C-DOC];
#: ``dataUsaha`` a camel-case spelling seen in one client [C1]; finally ``d`` itself when it
#: carries ``host`` (the "old structure") [C1].
DATABASE_KEYS: Final = ("database", "data usaha", "dataUsaha")
#: the key the emulator answers by default [C-CODE]; ``AccurateEmulator(api_token_key=...)``
#: switches to an older one so the client's fallback stays tested.
EMULATOR_DATABASE_KEY: Final = "database"

# ------------------------------------------------------------------ paging and bulk (§4, §5)

#: largest ``sp.pageSize`` the client asks for and the emulator grants: undocumented, ref-live
#: uses 100 [U].
PAGE_MAX: Final = 100
#: ``sp.pageSize`` when none is sent [C-DOC].
PAGE_DEFAULT: Final = 20
#: records per bulk-save request [C-DOC].
BULK_MAX: Final = 100
#: the top-level ``s`` of a bulk-save when some records failed [U]: ``"all"`` means ``s`` is
#: true only when every record saved; ``"true"`` means ``s`` is always true and only the
#: per-record results tell. The client reads the per-record results either way.
BULK_TOP_LEVEL_S: Final = "all"

# ------------------------------------------------------------------ rate limit (§5)

#: HTTP status of the rate-limit answer: undocumented; 429 is the reference's guess [U]. The
#: client keys on the message as well, so a 200 or 5xx carrying it is handled the same.
RATE_LIMIT_STATUS: Final = 429
#: ``Retry-After`` seconds the emulator sends with it [A].
RATE_LIMIT_RETRY_AFTER: Final = 1

# ------------------------------------------------------------------ signing (§1.2)

#: the client sends ``X-Api-Timestamp`` as ISO-8601 UTC (one of the documented forms) [A:
#: the documented forms are all accepted; this one is unambiguous about the zone].
TIMESTAMP_FORM: Final = "%Y-%m-%dT%H:%M:%SZ"

# ------------------------------------------------------------------ sessions and webhooks

#: days a webhook keeps sending after it was (re)registered [C-CODE webhook-notes].
WEBHOOK_DAYS: Final = 7
#: ``open-db.do``'s ``accessibleUntil`` / ``licenseEnd`` the emulator answers (no licence) [A].
EMULATOR_LICENSE_END: Final = "31/12/2099"

# ------------------------------------------------------------------ documents (§3)

#: ``statusName`` the emulator shows per ``status`` [U: the values of ``status`` are C-DOC for
#: sales orders; the Indonesian names are assumed].
STATUS_NAMES: Final = {
    "QUEUE": "Menunggu diproses", "WAITING": "Menunggu", "PROCEED": "Sebagian diproses",
    "CLOSED": "Terproses", "OUTSTANDING": "Belum Lunas", "PAID": "Lunas",
    "APPROVED": "Disetujui",
}
#: ``approvalStatus`` of a document saved without ``saveAsStatusType`` [U].
DEFAULT_APPROVAL: Final = "APPROVED"
#: message of a delete.do that succeeded [U].
DELETED_TEXT: Final = "Data berhasil dihapus"
#: refusal when a document other documents depend on is changed or deleted [U; the wording
#: "sudah digunakan" was not found, so the emulator names the dependent document instead].
IN_USE_TEXT: Final = "{label} {number} sudah diproses oleh {other_label} {other}"

# ------------------------------------------------------------------ money (§9)

#: PPN rate the emulator's tax master holds (the rate comes from the company's tax master,
#: not from the request [C-DOC]; 11 % is Indonesia's rate since 2022) [A].
PPN_RATE: Final = Decimal(11)
#: decimals the emulator rounds computed tax to (amounts may carry 6 [C-DOC]) [A].
TAX_DECIMALS: Final = Decimal("0.01")
#: the receipt settles an invoice by ``paymentAmount`` plus its ``detailDiscount[].amount``
#: (plus withheld ``detailTax`` of that invoice), while ``chequeAmount`` equals
#: Σ ``paymentAmount`` [U, the reference's assumed semantics].
RECEIPT_DISCOUNT_SETTLES: Final = True
#: a negative ``detailDiscount.amount`` (a platform subsidy, other income) is accepted [U].
NEGATIVE_RECEIPT_DISCOUNT: Final = True
#: a negative ``detailExpense.expenseAmount`` is accepted [U].
NEGATIVE_EXPENSE: Final = True
#: system accounts every emulated database holds for the journal it keeps [A: in Accurate
#: they are the company's preference accounts; their numbers here are invented].
SYSTEM_ACCOUNTS: Final = {
    "receivable": ("1103", "Piutang Usaha", "ACCOUNT_RECEIVABLE"),
    "sales": ("4000", "Penjualan", "REVENUE"),
    "sales_discount": ("4200", "Diskon Penjualan", "REVENUE"),
    "sales_return": ("4300", "Retur Penjualan", "REVENUE"),
    "tax_out": ("2103", "PPN Keluaran", "OTHER_CURRENT_LIABILITIES"),
    "pph_prepaid": ("1106", "PPh 23 Dibayar Dimuka", "OTHER_CURRENT_ASSET"),
    "inventory": ("1105", "Persediaan Barang", "INVENTORY"),
    "adjustment": ("5900", "Selisih Persediaan", "COST_OF_GOOD_SOLD"),
}
#: the emulator's tax master (``tax/list.do`` rows) [C-CODE shape; values A].
TAXES: Final = (
    {"id": 50, "taxCode": "PPN", "description": "PPN 11%", "taxType": "PPN",
     "pph23Type": None, "rate": PPN_RATE},
    {"id": 51, "taxCode": "PPH23", "description": "PPh 23 Jasa 2%", "taxType": "PPH23",
     "pph23Type": "JASA", "rate": Decimal(2)},
)
