"""Textalk Webshop (today Abicart): orders imported over its JSON-RPC 2.0 API (the seed's "Textalk format")."""
