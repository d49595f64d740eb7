"""Python's garbage collector tuned for serving pages, once the application is loaded.

A request that reads a plan through the ORM leaves some 8,000 objects in reference cycles
(instances and their prefetch caches point at each other), which only the collector's oldest
generation frees. With the collector's defaults, that generation is collected every few such
requests, and each time it also walks the whole loaded application, some 180,000 objects: a
pause of 100 to 250 ms on one request in eight (bench/scale.py: the API's plan at 40 ms median,
220 ms at the 95th percentile). Frozen, the objects of the loaded application are no longer
walked.

What is left to walk is the request's own objects: a page that reads a plan holds tens of
thousands of them while it renders, and every collection that reaches the older generations
walks them all again. With a first threshold of 700 allocations, the home page went through a
full collection every eight requests (50 ms each) and the translations every five. At 20,000 the
youngest generation is collected about thirty times less often, each time finding mostly
garbage, and the oldest rarely: one full collection in 1,000 requests of the home page.
bench/collector.py, the candidates in turn in one process at 100 plans x 10 rounds, 300 requests
each (2026-12-07): the home page's mean 46.9 -> 41.1 ms and 95th percentile 94.8 -> 46.7 ms on
SQLite, the translations' 63.7 -> 54.3 ms and 112.7 -> 74.1 ms on PostgreSQL (CPython's own
(700, 10, 10): 46.0 and 99.5, 59.5 and 136.8). The price is garbage kept longer: the process held
at most 174,000 objects over 1,000 requests instead of 106,000 (gunicorn replaces each worker
after about a thousand requests anyway: naptrack/cli/serve.py).

Called by naptrack/wsgi.py, so that gunicorn serves with it (naptrack serve loads it in the
master, before forking: the frozen pages stay shared; a gunicorn started otherwise freezes in
each worker), and by the benchmarks that measure pages as served.
"""

from __future__ import annotations

import gc

# (allocations before the youngest generation is collected, its collections per the middle
# one's, the middle one's per the oldest one's); CPython's defaults are (700, 10, 10).
THRESHOLDS = (20_000, 10, 10)


def collector_tune() -> None:
    """Freeze what is loaded and collect the young generations less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
