"""Python's garbage collector tuned for serving pages, once the application is loaded.

A request that reads a plan through the ORM leaves some 8,000 objects in reference cycles
(instances and their prefetch caches point at each other), which only the collector's oldest
generation frees. With the collector's defaults, that generation is collected every few such
requests, and each time it also walks the whole loaded application, some 180,000 objects: a
pause of 100 to 250 ms on one request in eight (bench/scale.py: the API's plan at 40 ms median,
220 ms at the 95th percentile). Frozen, the objects of the loaded application are no longer
walked; with the oldest generation's threshold at 1 instead of 10, it is collected about as
often as the middle one and holds a request or two's cycles: shorter pauses, the same work
spread out (95th percentile 75 ms). Called by naptrack/wsgi.py, so that gunicorn serves with
it (naptrack serve loads it in the master, before forking: the frozen pages stay shared; a
gunicorn started otherwise freezes in each worker), and by the benchmark that measures pages
as served.
"""

from __future__ import annotations

import gc

# (generation 0 allocations, generation 0 collections per generation 1, generation 1
# collections per generation 2): CPython's defaults but the last, 10.
THRESHOLDS = (700, 10, 1)


def collector_tune() -> None:
    """Freeze what is loaded and collect the oldest generation often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
