"""jembatan's core: the public API plugins import (everything else may change)."""

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
    Fee,
    FeeType,
    ItemResult,
    Order,
    OrderLine,
    OrderMoney,
    OrderState,
    PlatformDiscount,
    PlatformDiscountType,
    Product,
    Refund,
    RefundLine,
    Rejected,
    Settlement,
    StockLevel,
    Subsidy,
    SubsidyType,
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
    ITEM_BINDING,
    AccountRole,
    DocumentBinding,
    Feature,
    JobContext,
    JobHandler,
    JobRequest,
    JobStatus,
    LinkInfo,
    ReceiptMode,
    RecordKind,
    RecordStatus,
)
from .links import accounting_context, get_link, reintegrate
from .payouts import PAYOUT_RECORD, booked_payout
from .registration import StorePlugin, hookimpl

__all__ = [
    "ITEM_BINDING", "PAYOUT_RECORD", "Account", "AccountRole", "AccountingConnector",
    "CheckContext", "CommerceConnector", "ConfigError", "Connector", "DocumentBinding",
    "ErrorAction", "Feature", "Fee", "FeeType", "IntegrationError", "ItemResult", "JobContext",
    "JobHandler", "JobRequest", "JobStatus", "LinkContext", "LinkInfo", "OpenGate", "Order",
    "OrderLine", "OrderMoney", "OrderState", "PermanentError", "PlatformDiscount",
    "PlatformDiscountType", "Problem", "Product", "ProviderAPIError", "ProviderConfigError",
    "ProviderPermanentError", "ProviderTransientError", "ReceiptMode", "RecordKind",
    "RecordStatus", "Refund", "RefundLine", "Rejected", "RequestGate", "Settlement", "Severity",
    "SkippableError", "StockLevel", "StorePlugin", "Subsidy", "SubsidyType", "TransientError",
    "Warehouse", "WebhookHint", "accounting_context", "booked_payout", "get_link", "hookimpl",
    "provider_error", "reintegrate",
]
