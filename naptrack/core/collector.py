"""Python's garbage collector tuned for serving pages, once the application is loaded.

A request that reads a plan through the ORM leaves some 8,000 objects in reference cycles
(instances and their prefetch caches point at each other), which only the collector's oldest
generation frees. With the collector's defaults, that generation is collected every few such
requests, and each time it also walks the whole loaded application, some 180,000 objects: a
pause of 100 to 250 ms on one request in eight (bench/scale.py: the API's plan at 40 ms median,
220 ms at the 95th percentile). Frozen, the objects of the loaded application are no longer
walked; collected at every tenth younger collection, the oldest generation holds about one
request's cycles: the pauses become a few ms each, the same work spread out (95th percentile
75 ms). Called by naptrack/wsgi.py, so that gunicorn (naptrack serve, or any other WSGI
server) serves with it, and by the benchmark that measures pages as served.
"""

from __future__ import annotations

import gc

# (generation 0 allocations, generation 0 collections per generation 1, generation 1
# collections per generation 2): the defaults, but the oldest generation at every tenth
# collection of the middle one instead of waiting for it to grow by a quarter.
THRESHOLDS = (700, 10, 1)


def collector_tune() -> None:
    """Freeze what is loaded (in gunicorn's master, before it forks: the workers' copies of
    these pages also stay shared) and collect the oldest generation often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
