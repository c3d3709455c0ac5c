"""The console's screens, one module each; each exposes ``ROUTES`` as ``(path, endpoint)``."""

from . import (
    configuration,
    connect,
    integrations,
    jobs,
    login,
    orders,
    payouts,
    products,
    records,
    stock,
)

SCREENS = (login, integrations, connect, configuration, products, stock, records, orders, jobs,
           payouts)
