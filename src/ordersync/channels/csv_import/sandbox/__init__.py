"""A file server that behaves like a platform publishing its order export at a URL (seed mode 11).

``create_sandbox(seed=1, orders=100)`` serves a generated export (generic profile, ``;``, decimal commas,
German dates, UTF-8 with BOM) at ``/files/orders.csv``. Like the web servers such exports live on it
answers conditional GETs (``ETag`` and ``Last-Modified``, 304 when unchanged) and it can misbehave on cue:

* ``GET /files/{name}``             the file; ``If-None-Match`` / ``If-Modified-Since`` give 304
* ``GET /slow/{name}?chunk=64&pause=0.5``  the file trickled out, ``pause`` seconds between chunks
* ``GET /big?bytes=N&declare=1``    N bytes of CSV, with a Content-Length (``declare=1``) or chunked
* ``GET /redirect?to=URL``          302 to ``URL`` (for redirect re-checks of the SSRF guard)
* ``GET /headers``                  the request headers as JSON (what a client really sent)

Control API (besides the SDK's ``/_sandbox``): ``POST /_sandbox/orders`` with ``{"name": "orders.csv",
"content": "...", "encoding": "utf-8"}`` replaces a file (new ETag, new Last-Modified), or with
``{"generate": N, "seed": S}`` regenerates the export.
"""

from __future__ import annotations

from typing import Any

from .app import CsvSandbox


def create_sandbox(seed: int = 1, orders: int = 100, **options: Any) -> CsvSandbox:
    return CsvSandbox(seed=seed, orders=orders, **options)


__all__ = ["CsvSandbox", "create_sandbox"]
