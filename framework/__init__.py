"""jembatan's core: the public API plugins import (everything else may change)."""

from .connectors import (
    AccountingConnection,
    AccountingConnector,
    CommerceConnector,
    ConnectFlow,
    Connector,
    LinkContext,
    OAuthGrant,
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
    LINK_PLACEHOLDER,
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
from .money.payouts import PAYOUT_RECORD, booked_payout
from .registration import StorePlugin, hookimpl
from .runtime.batch import BatchHandler, ContextBatch, JobBatch, batch_handler
from .secret_input import secret_option
from .setup.checks import CheckContext, Problem, Severity
from .setup.integrations import connect_accounting
from .setup.links import accounting_context, accounting_contexts, get_link, reintegrate
from .sync.catalogue import HeldBack, held_back_skus

__all__ = [
    "ITEM_BINDING", "LINK_PLACEHOLDER", "PAYOUT_RECORD", "Account", "AccountRole",
    "AccountingConnection",
    "AccountingConnector", "CheckContext", "CommerceConnector", "ConfigError", "ConnectFlow",
    "Connector", "DocumentBinding", "ErrorAction", "Feature", "Fee", "FeeType", "IntegrationError",
    "ItemResult", "JobContext", "JobHandler", "JobRequest", "JobStatus", "LinkContext", "LinkInfo",
    "OAuthGrant", "OpenGate", "Order", "OrderLine", "OrderMoney", "OrderState", "PermanentError",
    "PlatformDiscount", "PlatformDiscountType", "Problem", "Product", "ProviderAPIError",
    "ProviderConfigError", "ProviderPermanentError", "ProviderTransientError", "ReceiptMode",
    "RecordKind", "RecordStatus", "Refund", "RefundLine", "Rejected", "RequestGate", "Settlement",
    "Severity", "SkippableError", "StockLevel", "StorePlugin", "Subsidy", "SubsidyType",
    "TransientError", "Warehouse", "WebhookHint", "accounting_context", "accounting_contexts",
    "booked_payout",
    "connect_accounting", "get_link", "hookimpl", "provider_error", "reintegrate", "secret_option",
    "BatchHandler", "ContextBatch", "JobBatch", "batch_handler", "HeldBack", "held_back_skus",
]
