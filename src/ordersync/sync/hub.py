"""The hub, for the engine's modules: ``Hub`` and ``HubError`` live in ordersync/hub.py (see there why); this
name is kept so that code importing ``ordersync.sync.hub`` (the engine's modules, tests, plugins) still works."""

from ..hub import Hub, HubError

__all__ = ["Hub", "HubError"]
