"""The shape comparison of the plugin-author kit (``framework.testing.shapes``)."""

from __future__ import annotations

from decimal import Decimal

from framework.testing.shapes import shape_differences


def test_alike_documents_have_no_differences():
    example = {"data": [{"sku": "A", "qty": 1, "price": 10.5, "ok": True, "note": None}]}
    answer = {"data": [{"sku": "B", "qty": 7, "price": Decimal("3"), "ok": False, "note": "x"},
                       {"sku": "C", "qty": 2, "price": 4, "ok": True, "note": None}]}
    assert shape_differences(example, answer) == []


def test_missing_extra_and_retyped_fields_are_each_named():
    example = {"data": {"id": 1, "total": 5, "lines": [{"sku": "A"}]}}
    answer = {"data": {"id": "1", "lines": [{"sku": "A", "qty": 1}], "extra": 0}}
    assert sorted(shape_differences(example, answer)) == [
        "$.data.extra: not in the example", "$.data.id: expected number, got string",
        "$.data.lines[0].qty: not in the example",
        "$.data.lines[example 0].qty: not in the example",
        "$.data.total: missing"]


def test_mixed_rows_match_when_each_row_has_a_documented_shape():
    example = [{"sku": "A", "status": "success", "qty": 1}, {"sku": "B", "status": "failed"}]
    assert shape_differences(example, [{"sku": "Z", "status": "failed"}]) == [
        "$[example 0].qty: missing"]
    assert shape_differences(example, [{"sku": "Z", "status": "failed"},
                                       {"sku": "Y", "status": "success", "qty": 3}]) == []
