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
walks them all again. With CPython's first threshold (700 allocations), a page of a hundred
lines went through several such collections, a full one every fifth request (16 to 90 ms
each). At 20,000 the youngest generation is collected about thirty times less often, each
collection finding mostly garbage, and the oldest rarely (after ten of the middle one's):
bench/collector.py, alternating the settings in one process at 100 plans x 10 rounds, 300
requests each (2026-12-07): the home page's mean 55.9 -> 49.2 ms and 95th percentile 104 -> 76 ms
on SQLite; the translations' 84.8 -> 73.2 ms and 150 -> 88 ms on PostgreSQL. Garbage waits for
20,000 allocations rather than 700 before it is found: a few megabytes at most.

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
