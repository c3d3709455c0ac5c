"""The order lifecycle: forward only, pass-through, stale and duplicate events ignored."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from framework.domain import OrderState as S
from framework.sync.lifecycle import ORDER_TRANSITIONS, TERMINAL_STATES, advance, find_path

FORWARD = [S.NEW, S.WAITING_PAYMENT, S.PAID, S.READY_TO_SHIP, S.SHIPPED, S.DELIVERED,
           S.COMPLETED]


def test_first_seen_shipped_passes_every_earlier_state():
    plan = advance(S.NEW, S.SHIPPED)
    assert plan.entered == (S.WAITING_PAYMENT, S.PAID, S.READY_TO_SHIP, S.SHIPPED)
    assert [step.passed_through for step in plan.steps] == [True, True, True, False]


def test_waiting_payment_after_ready_to_ship_is_stale():
    plan = advance(S.READY_TO_SHIP, S.WAITING_PAYMENT)
    assert plan.ignored and plan.ignored_reason.startswith("stale")
    assert plan.steps == ()


def test_duplicate_event_is_ignored():
    plan = advance(S.PAID, S.PAID)
    assert plan.ignored and "duplicate" in plan.ignored_reason


@pytest.mark.parametrize("state", [S.NEW, S.WAITING_PAYMENT, S.PAID, S.READY_TO_SHIP, S.SHIPPED])
def test_cancel_is_possible_until_shipped(state):
    assert advance(state, S.CANCELLED).entered == (S.CANCELLED,)


@pytest.mark.parametrize("state", [S.DELIVERED, S.COMPLETED])
def test_cancel_after_delivery_is_not_a_move(state):
    assert advance(state, S.CANCELLED).ignored_reason.startswith("not allowed")


@pytest.mark.parametrize("final", sorted(TERMINAL_STATES))
@pytest.mark.parametrize("target", list(S))
def test_terminal_states_are_final(final, target):
    assert advance(final, target).ignored


def test_returned_first_seen_passes_through_shipping():
    assert advance(S.NEW, S.RETURNED).entered[-2:] == (S.SHIPPED, S.RETURNED)


def test_table_has_one_row_per_trigger():
    triggers = [row["trigger"] for row in ORDER_TRANSITIONS]
    assert len(triggers) == len(set(triggers))


@given(st.lists(st.sampled_from(list(S)), max_size=30))
def test_random_events_never_move_backwards(events):
    state = S.NEW
    entered_all: list[S] = []
    for target in events:
        plan = advance(state, target)
        if plan.ignored:
            assert plan.steps == ()
            continue
        for step in plan.steps:
            assert step.source == state, "each step starts where the last ended"
            state = step.dest
        assert state == target
        entered_all.extend(plan.entered)
    assert len(entered_all) == len(set(entered_all)), "no state is entered twice"
    forward = [s for s in entered_all if s in FORWARD]
    assert forward == sorted(forward, key=FORWARD.index)


@given(st.sampled_from(list(S)), st.sampled_from(list(S)))
def test_path_exists_exactly_for_forward_targets(current, target):
    path = find_path(current, target)
    if current in TERMINAL_STATES or current == target:
        assert path is None or current == target
    if current in FORWARD and target in FORWARD and FORWARD.index(target) > FORWARD.index(current):
        assert path is not None and [dest for _t, dest in path] == FORWARD[
            FORWARD.index(current) + 1:FORWARD.index(target) + 1]
