"""The order lifecycle: canonical states, one transition table, pure path planning.

The machine only moves forward. An event naming a state the order has already reached (or
passed) is stale or duplicated and is ignored. An event naming a state further ahead is reached
through every state in between (an order first seen shipped passes ready_to_ship), so every
reaction a skipped state owes still happens, once. Nothing here does I/O: ``advance`` returns
the steps; ``framework.sync.orders`` stores them and their jobs in one transaction.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from transitions import Machine

from ..domain import OrderState

S = OrderState

#: Every legal move. ``transitions`` validates each step against this table.
ORDER_TRANSITIONS: list[dict[str, object]] = [
    {"trigger": "await_payment", "source": S.NEW, "dest": S.WAITING_PAYMENT},
    {"trigger": "pay", "source": S.WAITING_PAYMENT, "dest": S.PAID},
    {"trigger": "make_ready", "source": S.PAID, "dest": S.READY_TO_SHIP},
    {"trigger": "ship", "source": S.READY_TO_SHIP, "dest": S.SHIPPED},
    {"trigger": "deliver", "source": S.SHIPPED, "dest": S.DELIVERED},
    {"trigger": "complete", "source": S.DELIVERED, "dest": S.COMPLETED},
    {
        "trigger": "cancel",
        "source": [S.NEW, S.WAITING_PAYMENT, S.PAID, S.READY_TO_SHIP, S.SHIPPED],
        "dest": S.CANCELLED,
    },
    {"trigger": "return_goods", "source": [S.SHIPPED, S.DELIVERED, S.COMPLETED],
     "dest": S.RETURNED},
]

TERMINAL_STATES = frozenset({S.CANCELLED, S.RETURNED})


@dataclass(frozen=True, slots=True)
class Step:
    """One move of the machine."""

    trigger: str
    source: OrderState
    dest: OrderState
    passed_through: bool  # True for a state entered only on the way to the event's state


@dataclass(frozen=True, slots=True)
class Advance:
    """What an event does to an order: the steps taken, or why it changed nothing."""

    steps: tuple[Step, ...] = ()
    ignored_reason: str | None = None

    @property
    def ignored(self) -> bool:
        """Return whether the event changed nothing."""
        return self.ignored_reason is not None

    @property
    def entered(self) -> tuple[OrderState, ...]:
        """The states entered, in order."""
        return tuple(step.dest for step in self.steps)


@dataclass
class OrderFlow:
    """The model ``transitions`` drives; it only remembers the states it entered."""

    state: OrderState = S.NEW
    entered: list[OrderState] = field(default_factory=list)

    def remember_entry(self) -> None:
        """Callback after every state change: note the state (no I/O by design)."""
        self.entered.append(self.state)


def _edges() -> dict[OrderState, list[tuple[str, OrderState]]]:
    edges: dict[OrderState, list[tuple[str, OrderState]]] = {state: [] for state in S}
    for row in ORDER_TRANSITIONS:
        sources = row["source"] if isinstance(row["source"], list) else [row["source"]]
        for source in sources:
            edges[source].append((str(row["trigger"]), row["dest"]))  # type: ignore[arg-type]
    return edges


_EDGES = _edges()


def find_path(current: OrderState, target: OrderState) -> list[tuple[str, OrderState]] | None:
    """Return the shortest sequence of ``(trigger, dest)`` from ``current`` to ``target``."""
    queue: deque[tuple[OrderState, list[tuple[str, OrderState]]]] = deque([(current, [])])
    seen = {current}
    while queue:
        state, path = queue.popleft()
        for trigger, dest in _EDGES[state]:
            if dest in seen:
                continue
            if dest == target:
                return [*path, (trigger, dest)]
            seen.add(dest)
            queue.append((dest, [*path, (trigger, dest)]))
    return None


def _machine_for(flow: OrderFlow) -> Machine:
    return Machine(
        model=flow,
        states=S,
        transitions=ORDER_TRANSITIONS,
        initial=flow.state,
        auto_transitions=False,
        after_state_change="remember_entry",
        model_override=False,
    )


def advance(current: OrderState, target: OrderState) -> Advance:
    """Plan what an event saying "the order is now ``target``" does to an order at ``current``.

    Returns the steps (each validated by the transition table through ``transitions``), or an
    ignored ``Advance`` whose reason says why: a duplicate, a stale event, or a move the table
    does not allow (e.g. waiting payment after a cancel).
    """
    if target == current:
        return Advance(ignored_reason=f"duplicate: the order is already {current.value}")
    path = find_path(current, target)
    if path is None:
        return Advance(ignored_reason=_why_not(current, target))
    flow = OrderFlow(state=current)
    _machine_for(flow)
    steps = []
    for trigger, dest in path:
        source = flow.state
        flow.trigger(trigger)
        steps.append(Step(trigger, source, dest, passed_through=dest != target))
    return Advance(steps=tuple(steps))


_FORWARD = [S.NEW, S.WAITING_PAYMENT, S.PAID, S.READY_TO_SHIP, S.SHIPPED, S.DELIVERED, S.COMPLETED]


def _why_not(current: OrderState, target: OrderState) -> str:
    if current in TERMINAL_STATES:
        return f"stale: the order is already {current.value} (final), {target.value} ignored"
    if target in _FORWARD and current in _FORWARD:
        return f"stale: the order is already {current.value}, it cannot go back to {target.value}"
    return f"not allowed: an order that is {current.value} cannot become {target.value}"
