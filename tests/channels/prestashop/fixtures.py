"""PrestaShop records as the webservice documents them (blank schemas of PrestaShop 8.x; JSON output with
ids as numbers and every other value a text, money with six decimals, dates in the shop's zone), written
here by hand, not taken from the sandbox."""

from __future__ import annotations

ORDER = {
    "id": 5, "id_address_delivery": "7", "id_address_invoice": "8", "id_cart": "9", "id_currency": "1",
    "id_lang": "1", "id_customer": "2", "id_carrier": "2", "current_state": "2", "module": "ps_checkpayment",
    "invoice_number": "0", "invoice_date": "0000-00-00 00:00:00", "delivery_number": "0",
    "delivery_date": "0000-00-00 00:00:00", "valid": "1", "date_add": "2024-03-31 01:30:00",
    "date_upd": "2024-03-31 03:30:00", "shipping_number": "", "note": "", "id_shop_group": "1", "id_shop": "1",
    "secure_key": "b44a6d9efd7a0076a0fbce6b15eaf3b1", "payment": "Payment by check", "recyclable": "0",
    "gift": "0", "gift_message": "", "mobile_theme": "0", "total_discounts": "0.000000",
    "total_discounts_tax_incl": "0.000000", "total_discounts_tax_excl": "0.000000", "total_paid": "61.800000",
    "total_paid_tax_incl": "61.800000", "total_paid_tax_excl": "51.930000", "total_paid_real": "0.000000",
    "total_products": "44.930000", "total_products_wt": "53.470000", "total_shipping": "8.330000",
    "total_shipping_tax_incl": "8.330000", "total_shipping_tax_excl": "7.000000", "carrier_tax_rate": "19.000",
    "total_wrapping": "0.000000", "total_wrapping_tax_incl": "0.000000", "total_wrapping_tax_excl": "0.000000",
    "round_mode": "2", "round_type": "2", "conversion_rate": "1.000000", "reference": "XKBKNABJK",
    "associations": {"order_rows": [
        {"id": "11", "product_id": "1", "product_attribute_id": "1", "product_quantity": "1",
         "product_name": "Hummingbird printed t-shirt - Size : S- Color : White", "product_reference": "demo_1",
         "product_ean13": "", "product_isbn": "", "product_upc": "", "product_price": "23.900000",
         "id_customization": "0", "unit_price_tax_incl": "28.441000", "unit_price_tax_excl": "23.900000"},
        {"id": "12", "product_id": "2", "product_attribute_id": "0", "product_quantity": "1",
         "product_name": "Mug The best is yet to come", "product_reference": "demo_11", "product_ean13": "",
         "product_isbn": "", "product_upc": "", "product_price": "21.030000", "id_customization": "0",
         "unit_price_tax_incl": "25.029000", "unit_price_tax_excl": "21.030000"}]},
}
ADDRESSES = {
    "7": {"id": 7, "id_customer": "2", "id_country": "1", "alias": "Lieferung", "company": "", "lastname": "DOE",
          "firstname": "John", "address1": "Kastanienallee 3", "address2": "", "postcode": "10435",
          "city": "Berlin", "phone": "", "phone_mobile": "0170 1234567"},
    "8": {"id": 8, "id_customer": "2", "id_country": "1", "alias": "Rechnung", "company": "Acme GmbH",
          "lastname": "DOE", "firstname": "John", "address1": "Torstraße 1", "address2": "Hinterhaus",
          "postcode": "10119", "city": "Berlin", "phone": "030 123", "phone_mobile": ""},
}
CUSTOMERS = {"2": {"id": 2, "email": "pub@prestashop.com", "firstname": "John", "lastname": "DOE"}}
ORDER_STATES = {
    "2": {"id": 2, "paid": "1", "shipped": "0", "delivery": "0", "name": [{"id": "1", "value": "Payment accepted"}]},
    "20": {"id": 20, "paid": "1", "shipped": "1", "delivery": "1", "name": [{"id": "1", "value": "Bei DHL"}]},
}
