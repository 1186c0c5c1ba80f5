"""The sandbox's own subset of PrestaShop's resources: which element names it answers and accepts per resource.

Written down from the webservice's blank schemas (``GET /api/<resource>?schema=blank``, PrestaShop 8.x docs); the
contract test holds this subset to the vendor's blank files, so a name that PrestaShop does not have fails there. A
write whose XML carries an element outside the resource's subset is refused as PrestaShop refuses an unknown field.
``addresses``, ``customers``, ``currencies`` and ``countries`` have no blank file in the specs; their names are the
ones PrestaShop's documentation shows in its examples.
"""

from __future__ import annotations

#: plural resource name -> singular element name, as the webservice nests them
SINGULAR = {
    "orders": "order", "order_details": "order_detail", "order_states": "order_state",
    "order_histories": "order_history", "order_carriers": "order_carrier", "carriers": "carrier",
    "addresses": "address", "customers": "customer", "currencies": "currency", "products": "product",
    "combinations": "combination", "stock_availables": "stock_available",
    "customer_threads": "customer_thread", "customer_messages": "customer_message", "countries": "country",
}

FIELDS: dict[str, tuple[str, ...]] = {
    "orders": (
        "id", "id_address_delivery", "id_address_invoice", "id_cart", "id_currency", "id_lang", "id_customer",
        "id_carrier", "current_state", "module", "invoice_number", "invoice_date", "delivery_number",
        "delivery_date", "valid", "date_add", "date_upd", "shipping_number", "note", "id_shop_group", "id_shop",
        "secure_key", "payment", "recyclable", "gift", "gift_message", "total_discounts",
        "total_discounts_tax_incl", "total_discounts_tax_excl", "total_paid", "total_paid_tax_incl",
        "total_paid_tax_excl", "total_paid_real", "total_products", "total_products_wt", "total_shipping",
        "total_shipping_tax_incl", "total_shipping_tax_excl", "carrier_tax_rate", "total_wrapping",
        "total_wrapping_tax_incl", "total_wrapping_tax_excl", "round_mode", "round_type", "conversion_rate",
        "reference"),
    "order_details": (
        "id", "id_order", "product_id", "product_attribute_id", "product_name", "product_quantity",
        "product_price", "product_ean13", "product_reference", "unit_price_tax_incl", "unit_price_tax_excl",
        "total_price_tax_incl", "total_price_tax_excl"),
    "order_states": ("id", "unremovable", "delivery", "hidden", "send_email", "module_name", "invoice", "color",
                     "logable", "shipped", "paid", "pdf_delivery", "pdf_invoice", "deleted", "name", "template"),
    "order_histories": ("id", "id_employee", "id_order_state", "id_order", "date_add"),
    "order_carriers": ("id", "id_order", "id_carrier", "id_order_invoice", "weight", "shipping_cost_tax_excl",
                       "shipping_cost_tax_incl", "tracking_number", "date_add"),
    "carriers": ("id", "deleted", "is_module", "id_reference", "name", "active", "url", "delay"),
    "addresses": ("id", "id_customer", "id_country", "alias", "company", "lastname", "firstname", "address1",
                  "address2", "postcode", "city", "phone", "phone_mobile", "date_add", "date_upd"),
    "customers": ("id", "lastname", "firstname", "email", "date_add", "date_upd"),
    "currencies": ("id", "name", "iso_code", "conversion_rate", "deleted", "active"),
    "countries": ("id", "iso_code", "active", "name"),
    "products": ("id", "reference", "ean13", "price", "active", "date_add", "date_upd", "name"),
    "combinations": ("id", "id_product", "reference", "ean13", "price", "quantity"),
    "stock_availables": ("id", "id_product", "id_product_attribute", "id_shop", "id_shop_group", "quantity",
                         "depends_on_stock", "out_of_stock", "location"),
    "customer_threads": ("id", "id_lang", "id_shop", "id_customer", "id_order", "id_product", "id_contact",
                         "email", "token", "status", "date_add", "date_upd"),
    "customer_messages": ("id", "id_employee", "id_customer_thread", "ip_address", "message", "file_name",
                          "user_agent", "private", "date_add", "date_upd", "read"),
}

#: the association an order carries with display=full, and the names of its rows
ORDER_ROW_FIELDS = ("id", "product_id", "product_attribute_id", "product_quantity", "product_name",
                    "product_reference", "product_ean13", "product_price", "unit_price_tax_incl",
                    "unit_price_tax_excl")

#: what a write must carry (PrestaShop answers 400 naming the missing field otherwise)
REQUIRED = {
    "order_histories": ("id_order", "id_order_state"),
    "order_carriers": ("id", "id_order", "id_carrier"),
    "stock_availables": ("id", "id_product", "id_product_attribute", "quantity", "depends_on_stock",
                         "out_of_stock"),
    "customer_threads": ("id_lang", "id_contact", "email", "token", "status"),
    "customer_messages": ("id_customer_thread", "message"),
}

#: the multilingual fields (answered as [{"id": language, "value": text}])
LANGUAGE_FIELDS = {"order_states": ("name", "template"), "products": ("name",), "countries": ("name",)}
