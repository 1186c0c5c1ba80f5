"""config.py checks the URL guard's allow list at start without importing the guard when none is set; the
variable names it looks for are the guard's own."""

from __future__ import annotations

import pytest

from ordersync.channels.sdk import urlguard
from ordersync.config import ALLOW_LIST_VARS, load_config


def test_config_looks_for_the_guards_own_variables():
    assert ALLOW_LIST_VARS == (urlguard.ALLOW_ENV, urlguard.LEGACY_ALLOW_ENV)


@pytest.mark.parametrize("name", ALLOW_LIST_VARS)
def test_a_malformed_allow_list_still_stops_the_start(tmp_path, name):
    with pytest.raises(ValueError, match="10.0.0.0/33"):
        load_config({"ORDERSYNC_HOME": str(tmp_path), name: " 10.0.0.0/33 "})


@pytest.mark.parametrize("value", ["", " ", ",", " , "])
def test_an_empty_allow_list_is_nothing_to_check(tmp_path, value):
    assert load_config({"ORDERSYNC_HOME": str(tmp_path), urlguard.ALLOW_ENV: value}).home == tmp_path
