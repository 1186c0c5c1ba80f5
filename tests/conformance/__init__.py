"""The conformance suite: one acceptance suite that every registered connector with a sandbox runs, on SQLite
and PostgreSQL, driven only by the connector's declaration and its sandbox's control API.

A connector joins by declaring ``sandbox_factory``; its sandbox joins by implementing the conformance
actions it can (``ordersync.channels.sdk.sandbox.CONFORMANCE_ACTIONS``, ``conform_<action>`` methods) and
``conformance_profile`` (where its order listing and each push travel, its documented rate limit). A case
whose capability the connector does not declare is skipped with that reason; a declared capability whose
sandbox lacks an action the case needs fails, because an untested declaration is a broken promise.

Run: ``.venv/bin/python -m pytest -q tests/conformance --durations=15``.
"""
