"""``ca_file`` named a path on the hub's server, which a seller could point at any file there: it is gone.
Connections stored with it still load (the value is dropped), and new input naming it is refused with why."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from ordersync.channels.email_import.connector import EmailConnector
from ordersync.hub import HubError
from ordersync.store.models import Connection
from ordersync.sync.connections import add_connection, build_connector, load

SETTINGS = {"host": "imap.example.org", "port": 993, "username": "orders", "password": "pw"}


def test_new_input_naming_a_server_file_is_refused_with_the_reason(hub):
    with pytest.raises(HubError, match="ca_file.*no longer exists.*CA certificates"):
        add_connection(hub, "email", "mails", {**SETTINGS, "ca_file": "/etc/shadow"})


def test_a_connection_stored_with_the_old_setting_still_loads_without_reading_the_file(hub, tmp_path):
    cid = add_connection(hub, "email", "mails", dict(SETTINGS))
    with hub.db.session() as s:
        row = s.get(Connection, cid)
        stored = json.loads(row.settings_json) | {"ca_file": str(tmp_path / "not-a-ca.pem")}
        s.execute(update(Connection).where(Connection.id == cid).values(settings_json=json.dumps(stored)))
    connector = build_connector(hub, load(hub, cid))
    assert isinstance(connector, EmailConnector)
    assert "ca_file" not in connector.config
    connector.mailbox()  # builds its TLS context from the system CAs and ca_bundle only
