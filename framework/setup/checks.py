"""Pre-flight checks (``jembatan check``): problems that block or endanger go-live."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..connectors import AccountingConnector, CommerceConnector
from ..jobs import LinkInfo


class Severity(StrEnum):
    """Whether a problem blocks go-live."""

    BLOCKER = "blocker"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One line of ``jembatan check``: what is wrong, about what, and the fix."""

    check: str  # short id, e.g. "sku-name-mismatch"
    subject: str  # the SKU, warehouse, account… concerned
    message: str
    fix: str
    severity: Severity = Severity.BLOCKER


@dataclass
class CheckContext:
    """What a ``check_link`` hook may look at for one link."""

    link: LinkInfo
    commerce: CommerceConnector
    accounting: AccountingConnector
    bindings: dict[str, str] = field(default_factory=dict)  # store warehouse id -> accounting
    mappings: dict[tuple[str, str], str] = field(default_factory=dict)  # (role, qualifier) -> value
