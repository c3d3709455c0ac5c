"""jembatan's core: the public API plugins import (everything else may change)."""

import pluggy

from .checks import CheckContext, Problem, Severity
from .connectors import (
    AccountingConnector,
    CommerceConnector,
    Connector,
    LinkContext,
    OpenGate,
    RequestGate,
    WebhookHint,
)
from .domain import (
    Account,
    ItemResult,
    Order,
    OrderLine,
    OrderState,
    Product,
    Rejected,
    StockLevel,
    Warehouse,
)
from .errors import (
    ConfigError,
    ErrorAction,
    IntegrationError,
    PermanentError,
    ProviderAPIError,
    ProviderConfigError,
    ProviderPermanentError,
    ProviderTransientError,
    SkippableError,
    TransientError,
    provider_error,
)
from .jobs import (
    AccountRole,
    DocumentBinding,
    Feature,
    JobContext,
    JobHandler,
    JobRequest,
    JobStatus,
    LinkInfo,
    RecordKind,
    RecordStatus,
)

#: decorator for plugin hook implementations
hookimpl = pluggy.HookimplMarker("jembatan")

__all__ = [
    "Account", "AccountRole", "AccountingConnector", "CheckContext", "CommerceConnector",
    "ConfigError", "Connector", "DocumentBinding", "ErrorAction", "Feature", "IntegrationError",
    "ItemResult", "JobContext", "JobHandler", "JobRequest", "JobStatus", "LinkContext", "LinkInfo",
    "OpenGate", "Order", "OrderLine", "OrderState", "PermanentError", "Problem", "Product", "Rejected",
    "ProviderAPIError", "ProviderConfigError", "ProviderPermanentError", "ProviderTransientError",
    "RecordKind", "RecordStatus", "RequestGate", "Severity", "SkippableError", "StockLevel",
    "TransientError", "Warehouse", "WebhookHint", "hookimpl", "provider_error",
]
