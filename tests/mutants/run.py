"""Apply each deliberately broken copy of the code, run the tests that must catch it, revert.

    .venv/bin/python tests/mutants/run.py            # every mutant
    .venv/bin/python tests/mutants/run.py heartbeat  # the ones whose name contains a word

A mutant the named tests do not catch (they pass with the code broken) is reported and the
script exits 1. A mutant whose code no longer matches (the code moved) is reported too: update
its ``old`` text here. The file is always restored, whatever happens. The list is documented
in docs/testing.md.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Mutant:
    """One broken copy: replace ``old`` by ``new`` in ``path``; ``tests`` must then fail."""

    name: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]


MUTANTS = (
    Mutant("the console offers only the account types it guesses, not what the check accepts",
           "framework/setup/preflight.py",
           "[account for account in fitting if account.kind.upper() not in likely])",
           "[])",
           ("tests/web/test_console_accounts.py",)),
    Mutant("an order first seen ready to ship gets a separate sales-order job again",
           "plugins/accurate/reactions.py",
           "order.state in PAST_READY_TO_SHIP", "False",
           ("tests/plugins/accurate/test_accurate_reactions.py",)),
    Mutant("accurate duplicate-number refusal not adopted as already saved",
           "plugins/accurate/posting.py",
           'row = rows.get(str(body["number"]))', "row = None",
           ("tests/plugins/accurate/test_accurate_lost_answer.py",)),
    Mutant("a bound document is saved again",
           "plugins/accurate/posting.py",
           "bound(due.ctx, document, due.order) if trust_bindings", "None if trust_bindings",
           ("tests/plugins/accurate/test_accurate_lost_answer.py",)),
    Mutant("the runner's heartbeat never extends leases",
           "framework/runtime/runner.py",
           "kept = queue.heartbeat(session, self.worker_id, held, self.lease_seconds)",
           "kept = len(held)",
           ("tests/framework/test_guards.py::test_a_running_job_keeps_its_lease_while_it_outlasts_it",)),
    Mutant("queue.heartbeat never extends leases",
           "framework/runtime/queue.py",
           ".values(lease_until=utcnow() + timedelta(seconds=lease_seconds))",
           ".values(lease_until=Job.lease_until)",
           ("tests/framework/test_guards.py::test_a_running_job_keeps_its_lease_while_it_outlasts_it",
            "tests/framework/test_queue.py")),
    Mutant("an older event overwrites a newer order snapshot",
           "framework/sync/orders.py",
           "if order.updated_at < row.updated_at_platform:\n        return",
           "if False:\n        return",
           ("tests/framework/test_guards.py::test_an_older_event_never_overwrites_a_newer_snapshot",)),
    Mutant("push-record reasons stored unredacted",
           "framework/sync/records.py",
           '"reason": redact(reason)', '"reason": reason',
           ("tests/framework/test_guards.py::test_a_reason_a_handler_records_is_stored_redacted",)),
    Mutant("stock pull no longer skips SKUs named differently",
           "framework/sync/stock.py",
           "mismatched = name_mismatches(commerce, accounting, differing) if differing else {}",
           "mismatched: dict[str, tuple[str, str]] = {}",
           ("tests/e2e/test_seed_statements.py::"
            "test_the_worker_stock_sync_leaves_skus_named_differently_alone_and_records_why",)),
    Mutant("a SKU the product sync holds back is advised 'run the product sync'",
           "plugins/accurate/documents.py",
           "held = held_back_skus(ctx, missing)", "held = {}",
           ("tests/e2e/test_seed_statements.py::"
            "test_an_order_of_a_sku_the_product_sync_holds_back_names_the_pending_action",)),
    Mutant("a batch claim hides other links' work from idle sibling threads",
           "framework/runtime/queue.py",
           "if share > 1 and not more:", "if False:",
           ("tests/framework/test_batches.py::"
            "test_a_batch_claim_says_when_other_links_work_is_left_for_an_idle_sibling",)),
    Mutant("a batch's push records stored with a secret unredacted",
           "framework/sync/records.py",
           "if not is_clean_json(text):", "if False:",
           ("tests/framework/test_records.py::"
            "test_a_batchs_records_are_written_in_one_upsert_as_given_and_redacted",)),
    Mutant("the rate gate admits whatever is in flight",
           "framework/runtime/ratelimit.py",
           '.where(_COUNTS.c.in_flight < bindparam("in_flight_limit"),',
           '.where(_COUNTS.c.in_flight >= 0,',
           ("tests/framework/test_ratelimit.py",)),
    Mutant("a webhook of an entity jembatan ignores is fetched as an order",
           "framework/sync/webhook_receipt.py",
           "    if hint.ignored:  # kept", "    if False:  # kept",
           ("tests/plugins/ginee/test_ginee_webhook_receipt.py::"
            "test_a_delivery_of_another_module_is_answered_200_ignored_and_stored",)),
)


def run(mutant: Mutant) -> str:
    """Apply ``mutant``, run its tests, restore the file; return the verdict."""
    path = ROOT / mutant.path
    original = path.read_text(encoding="utf-8")
    if original.count(mutant.old) != 1:
        return "STALE (the code moved: update the mutant's old text)"
    try:
        path.write_text(original.replace(mutant.old, mutant.new), encoding="utf-8")
        result = subprocess.run(
            # one process (-n 0): under xdist a test stopped by -x exits 2, like a usage error
            [sys.executable, "-m", "pytest", "-q", "-x", "-n", "0", "-p", "no:cacheprovider", "-k",
             "sqlite or not postgres", *mutant.tests], cwd=ROOT, capture_output=True,
            text=True, timeout=900, check=False)
    finally:
        path.write_text(original, encoding="utf-8")
    return "caught" if result.returncode == 1 else f"NOT CAUGHT (pytest exit {result.returncode})"


def main(words: list[str]) -> int:
    """Run the mutants matching ``words`` (all if none); return 1 if any was not caught."""
    chosen = [m for m in MUTANTS if not words or any(w in m.name for w in words)]
    failures = 0
    for mutant in chosen:
        verdict = run(mutant)
        failures += verdict != "caught"
        print(f"{verdict:<10} {mutant.name}  [{', '.join(mutant.tests)}]")  # noqa: T201
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
