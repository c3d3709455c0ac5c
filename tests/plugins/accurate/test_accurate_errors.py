"""Every error text the reference collects (§1.2, §2, §5) maps to its row, keeping the text."""

from __future__ import annotations

import pytest

from framework import ErrorAction
from plugins.accurate.emulator import RATE_LIMIT_TEXT
from plugins.accurate.errors import accurate_error, classify

RETRY, CONFIG, FAIL = ErrorAction.RETRY, ErrorAction.CONFIG, ErrorAction.FAIL

DOCUMENTED = [
    (200, "Sudah ada data lain dengan Kode Barang A1", "duplicate", FAIL),
    (200, "Sudah ada data lain dengan No Pesanan SO.1", "duplicate", FAIL),
    (200, "Sudah ada data lain dengan UPC/Barcode", "duplicate", FAIL),
    (401, "Data Session Key tidak tepat", "session_expired", RETRY),
    (401, '{"error":"invalid_token"}', "invalid_token", CONFIG),
    (200, "Faktur Penjualan tidak tepat", "not_found", FAIL),
    (200, "Barang & Jasa tidak tepat", "not_found", FAIL),
    (200, "Data tidak ditemukan atau sudah dihapus", "not_found", FAIL),
    (200, "Pesanan Penjualan SO.1 sudah ditutup, tidak dapat diproses lagi", "order_closed", FAIL),
    (200, "Pesanan Penjualan SO.1 terdeteksi terproses dua kali. Mohon cek transaksi yang "
          "memproses pesanan tersebut", "processed_twice", FAIL),
    (429, RATE_LIMIT_TEXT, "rate_limit", RETRY),
    (200, RATE_LIMIT_TEXT, "rate_limit", RETRY),  # the status is undocumented: the text decides
    (200, "Batas 8 request per detik", "rate_limit", RETRY),
    (200, "Profil pengguna anda memiliki akses ke lebih dari satu cabang", "branch_required",
     CONFIG),
    (200, "Tanggal transaksi tidak dapat lebih kecil dari tanggal mulai", "date_before_start",
     FAIL),
    (404, "URL API tidak tepat", "wrong_host", CONFIG),
    (200, "Nilai Pembayaran tidak mencukupi", "underpaid", FAIL),
    (200, "Kode Barang X terlalu besar. Maksimal 30 karakter", "too_long", FAIL),
    (401, "Unauthorized", "unauthorized", CONFIG),
    (401, "Invalid_token", "invalid_token", CONFIG),
    (401, "Invalid or Revoked API Token", "invalid_token", CONFIG),
    (401, "Header X-Api-Signature is required", "bad_signature", CONFIG),
    (401, "Header X-Api-Signature invalid: Require Application 'App' signature", "bad_signature",
     CONFIG),
    (401, "Header X-Api-Timestamp is required", "bad_timestamp", RETRY),
    (401, "Header X-Api-Timestamp invalid", "bad_timestamp", RETRY),
    (401, "Header X-Api Timestamp difference more than 600 seconds", "bad_timestamp", RETRY),
    (403, "<InsufficientScopeException><error>insufficient_scope</error><scope>item_save</scope>"
          "</InsufficientScopeException>", "insufficient_scope", CONFIG),
    (200, "Data Usaha tidak ditemukan atau sudah dihapus", "database_gone", CONFIG),
    (503, "Service Unavailable", "server_error", RETRY),
]


@pytest.mark.parametrize(("status", "text", "code", "action"), DOCUMENTED,
                         ids=[row[2] + ":" + row[1][:24] for row in DOCUMENTED])
def test_documented_errors_map_to_their_row(status, text, code, action) -> None:
    rule = classify(status, text)
    assert (rule.code, rule.action) == (code, action)
    error = accurate_error(status, text)
    assert error.code == code and error.status_code == status
    if code != "insufficient_scope":
        assert text in str(error)  # Accurate's own message is kept
    else:
        assert "item_save" in str(error)


def test_an_unknown_refusal_fails_with_its_text() -> None:
    error = accurate_error(200, "Sesuatu yang belum pernah terlihat")
    assert error.code == "rejected" and "belum pernah terlihat" in str(error)
