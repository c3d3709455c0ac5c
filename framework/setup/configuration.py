"""A link's configuration: warehouse bindings, account mappings, feature switches.

Bindings are one-to-one both ways: a store warehouse binds to one accounting warehouse and an
accounting warehouse to one store warehouse; either side already bound is refused with the
command that would free it. Unbinding stops sync for that warehouse and deletes nothing sent.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import ConfigError
from ..jobs import RECEIPT_MODE_SETTING, AccountRole, Feature, ReceiptMode
from ..storage.models import AccountMapping, Link, WarehouseBinding


def warehouse_bindings(session: Session, link_id: str) -> list[WarehouseBinding]:
    """Return the link's bindings, ordered by store warehouse."""
    query = (select(WarehouseBinding).where(WarehouseBinding.link_id == link_id)
             .order_by(WarehouseBinding.store_warehouse_id))
    return list(session.scalars(query))


def bind_warehouse(session: Session, link: Link, store_warehouse_id: str,
                   accounting_warehouse: str, store_warehouse_name: str = "") -> WarehouseBinding:
    """Bind a store warehouse to an accounting warehouse, refusing double bindings."""
    for binding in warehouse_bindings(session, link.id):
        if binding.store_warehouse_id == store_warehouse_id:
            raise ConfigError(
                f"store warehouse {store_warehouse_id} is already bound to "
                f"{binding.accounting_warehouse!r} on link {link.id}",
                fix=f"unbind it first: jembatan warehouses unbind --link {link.id} "
                    f"{store_warehouse_id}")
        if binding.accounting_warehouse == accounting_warehouse:
            raise ConfigError(
                f"{link.accounting} warehouse {accounting_warehouse!r} is already bound to store "
                f"warehouse {binding.store_warehouse_id} on link {link.id} (one-to-one)",
                fix=f"unbind it first: jembatan warehouses unbind --link {link.id} "
                    f"{binding.store_warehouse_id}")
    binding = WarehouseBinding(link_id=link.id, store_warehouse_id=store_warehouse_id,
                               store_warehouse_name=store_warehouse_name,
                               accounting_warehouse=accounting_warehouse)
    session.add(binding)
    session.flush()
    return binding


def unbind_warehouse(session: Session, link: Link, store_warehouse_id: str) -> None:
    """Remove a binding; nothing already sent is touched."""
    result = session.execute(delete(WarehouseBinding).where(
        WarehouseBinding.link_id == link.id,
        WarehouseBinding.store_warehouse_id == store_warehouse_id))
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise ConfigError(f"store warehouse {store_warehouse_id} is not bound on link {link.id}",
                          fix=f"`jembatan warehouses list --link {link.id}` shows the bindings")


def require_bound(session: Session, link: Link, store_warehouse_id: str) -> WarehouseBinding:
    """Return the binding of a store warehouse, or refuse: nothing operates unbound."""
    for binding in warehouse_bindings(session, link.id):
        if binding.store_warehouse_id == store_warehouse_id:
            return binding
    raise unbound_warehouse(link.id, store_warehouse_id)


def bindings_to_operate(session: Session, link: Link,
                        store_warehouse_id: str | None = None) -> list[WarehouseBinding]:
    """Return the binding of ``store_warehouse_id``, or every binding of the link.

    Raises:
        ConfigError: that warehouse is unbound, or (without one) no warehouse is bound.
    """
    if store_warehouse_id is not None:
        return [require_bound(session, link, store_warehouse_id)]
    bindings = warehouse_bindings(session, link.id)
    if not bindings:
        raise unbound_warehouse(link.id, None)
    return bindings


def unmapped_account(link_id: str, role: AccountRole, qualifier: str = "") -> ConfigError:
    """The one error for a role (customer, bank, fee account…) with nothing mapped."""
    channel = f" --channel {qualifier}" if qualifier else ""
    what = f" for channel {qualifier}" if qualifier else ""
    return ConfigError(f"no {role.value} is mapped{what} on link {link_id}",
                       fix=f"`jembatan accounts map --link {link_id} {role.value}{channel} VALUE`")


def unbound_warehouse(link_id: str, store_warehouse_id: str | None) -> ConfigError:
    """The one error for anything that touches an unbound store warehouse."""
    shown = store_warehouse_id or "STORE-WAREHOUSE"
    return ConfigError(
        f"store warehouse {shown} is not bound on link {link_id}; nothing operates on an "
        "unbound warehouse",
        fix=f"jembatan warehouses bind --link {link_id} {shown} <ACCURATE-WAREHOUSE>")


def account_mappings(session: Session, link_id: str) -> list[AccountMapping]:
    """Return the link's account mappings."""
    query = (select(AccountMapping).where(AccountMapping.link_id == link_id)
             .order_by(AccountMapping.role, AccountMapping.qualifier))
    return list(session.scalars(query))


def map_account(session: Session, link: Link, role: AccountRole, value: str,
                qualifier: str = "") -> AccountMapping:
    """Map (or re-map) a role, optionally per sales channel, to an account or customer."""
    qualifier = qualifier.upper()
    for mapping in account_mappings(session, link.id):
        if mapping.role == role and mapping.qualifier == qualifier:
            mapping.value = value
            return mapping
    mapping = AccountMapping(link_id=link.id, role=role, qualifier=qualifier, value=value)
    session.add(mapping)
    session.flush()
    return mapping


def set_feature(link: Link, feature: Feature, enabled: bool) -> None:
    """Switch a feature on or off for a link."""
    link.features = {**(link.features or {}), feature.value: enabled}


def set_receipt_mode(link: Link, mode: ReceiptMode | None) -> None:
    """Choose how an invoiced order's money is received (auto-paid, payout, off).

    ``None`` drops the choice: Auto Paid when its feature is on, else payout.
    """
    settings = {k: v for k, v in (link.accounting_settings or {}).items()
                if k != RECEIPT_MODE_SETTING}
    if mode is not None:
        settings[RECEIPT_MODE_SETTING] = mode.value
    link.accounting_settings = settings


def enabled_features(link: Link) -> frozenset[Feature]:
    """Return the features switched on (``jembatan link create`` switches invoice on)."""
    return frozenset(Feature(name) for name, on in (link.features or {}).items() if on)
