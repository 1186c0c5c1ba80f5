"""Names vulture reports as unused that are used, only not by a name it can see (`make check` runs vulture).

Each entry says who uses it. Code that is really unused is deleted, not listed here.
"""

# httpx calls an Auth class's auth_flow and reads its requires_*_body flags
_.auth_flow
requires_request_body
requires_response_body

# the stdlib calls these hooks of the IMAP4/SMTP subclasses; IMAPClient reads normalise_times
_._create_socket
_._create_IMAP4
_._get_socket
_.normalise_times

# Python calls a module's __getattr__ and __dir__ (PEP 562): ordersync.domain loads its names on first use
__getattr__
__dir__

# uvicorn reads should_exit; SQLAlchemy reads isolation_level and the TypeDecorator hooks and attributes
_.should_exit
_.isolation_level
impl
cache_ok
_.process_bind_param
_.process_result_value
_.load_dialect_impl

# table columns: written by the hub, read by operators and migrations, not by Python code
auth_problem_at
processed_at
first_seen
last_seen
_.last_seen
window_since
window_until

# fields of records the hub returns or stores whole (dataclasses serialised by domain.codec or shown to callers)
remote_id  # sdk.records.PushResult
cancelled_at  # domain.Order
connector_dir  # devtools.new_connector.Written
forwarded_by  # email_import: the address that forwarded an attached order mail
_.forwarded_by
shipping_method  # email_import parsers: read from the mail, not mapped yet
_.rpc_data  # textalk: the JSON-RPC error's data, kept on the raised error for whoever handles it

# declarations a connector makes for the SDK (docs/adding-a-connector.md) and documentation of vendor names
rotates_refresh_token  # sdk.oauth2: declared by connectors; nothing reads it yet (see the static-checks report)
INFO_FIELDS  # textalk.mapping: the ASSUMED customer.info names, listed in the module docstring

# Billbee-compatible request fields the API accepts and ignores (docs/api.md)
LanguageCode
SendMode
AlternativeMail
OldQuantity
DeltaQuantity
ForceSendStockToShops
AutosubtractReservedAmount

# read by templates (web/ui/templates/shops/*.html) and by Babel's message extraction (DATA_IDS)
has_stored_secret
_.value_text
DATA_IDS

# GraphQL resolvers take every argument of their field by name
notifyCustomer
allocation

# pytest: module marks, fixtures taken for their side effect, handler hooks of test servers
pytestmark
no_allowance
clean_registry
_.do_GET
_.log_message
_.handle_DATA
_.enter_field
_.enter_argument
_.enter_enum_value
_.raise_server_exceptions

# database columns read by people and reports, not by code (store/models_erasure.py: when a buyer was erased)
erased_at
# huey's immediate mode, switched on in tests through the attribute
_.immediate
# fpdf2 reads it when it writes the core fonts (forwarding/documents.py)
_.core_fonts_encoding
