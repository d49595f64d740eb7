"""Targets on the real Belgian plan and four rounds of figures that go up, down, miss a milestone
and reach the target; shared by the tests of progress (computation, CLI, pages, report)."""

from __future__ import annotations

import copy

from naptrack.plans.services import plan_load
from naptrack.reporting.models import Round
from tests.portal_data import fill, new_round

# line code -> (instrument position, the file's fields for it)
TARGETS = {
    # By sex: shares of women; the baseline comes from the baseline round.
    "23.a": (
        1,
        {
            "target": {"year": 2016, "share_of_women": 0.1},
            "milestones": [{"year": 2014, "share_of_women": 0.07}],
            "direction": "up",
        },
    ),
    "21": (2, {"target": {"year": 2016, "share_of_women": 0.4, "source": "agreement"}, "direction": "up"}),
    # A count with a typed baseline and no milestone: the straight line decides.
    "20.b": (2, {"baseline": {"year": 2012, "value": 100}, "target": {"year": 2016, "value": 200}, "direction": "up"}),
    # A share that should go down.
    "16.a": (
        1,
        {
            "baseline": {"year": 2012, "value": 50},
            "target": {"year": 2016, "value": 20},
            "milestones": [{"year": 2014, "value": 40}],
            "direction": "down",
        },
    ),
    # A text target, read on the status scale.
    "26.a": (1, {"target": {"year": 2014, "text": "The NAP is adopted and presented to parliament."}}),
}


def with_targets(document: dict) -> dict:
    document = copy.deepcopy(document)
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                if action["code"] in TARGETS:
                    position, fields = TARGETS[action["code"]]
                    action["instruments"][position - 1].update(copy.deepcopy(fields))
    return document


def load_targets(be_document: dict, coordinator) -> None:
    plan_load(actor=coordinator, document=with_targets(be_document))


def four_rounds(plan, coordinator) -> dict[int, Round]:
    """The 2012 baseline and the 2013-2015 annual rounds with the figures the tests expect."""
    c = coordinator
    rounds = {2012: new_round(plan, c, "baseline", 2012)}
    fill(rounds[2012], "23.a", "defence", c, c, answers={1: {"women": 5, "men": 95}})
    for year in (2013, 2014, 2015):
        rounds[year] = new_round(plan, c, "annual", year)
    fill(rounds[2013], "23.a", "defence", c, c, answers={1: {"women": 7, "men": 93}})
    fill(rounds[2014], "23.a", "defence", c, c, answers={1: {"women": 6, "men": 94}})
    fill(rounds[2015], "23.a", "defence", c, c, answers={1: {"women": 10, "men": 90}})
    fill(rounds[2014], "20.b", "interior-office-for-foreigners", c, c, answers={2: {"value": 80}})
    fill(rounds[2014], "20.b", "justice", c, c, answers={2: {"value": 70}})
    fill(rounds[2015], "20.b", "justice", c, c, answers={2: {"value": 160}})
    fill(rounds[2014], "16.a", "defence", c, c, answers={1: {"numerator": 35, "denominator": 100}})
    fill(rounds[2015], "16.a", "defence", c, c, answers={1: {"numerator": 45, "denominator": 100}})
    # Submitted, never approved: no data.
    fill(rounds[2014], "21", "defence", c, c, then="submitted", answers={2: {"women": 50, "men": 50}})
    fill(rounds[2014], "26.a", "foreign-affairs", c, c, status="completed")
    fill(rounds[2014], "26.a", "defence", c, c, status="in-progress")
    return rounds


# (line, round year) -> status
EXPECTED = {
    ("23.a", 2013): "on-track",  # 0.07 over the line from 0.05 (2012) to 0.10 (2016): 0.0625
    ("23.a", 2014): "behind",  # 0.06 under the 2014 milestone of 0.07
    ("23.a", 2015): "achieved",  # 0.10, the target
    ("20.b", 2014): "on-track",  # 80 + 70 = 150, on the line from 100 to 200
    ("20.b", 2015): "behind",  # 160 under 175
    ("16.a", 2014): "on-track",  # 35 % at or under the milestone of 40 %, going down
    ("16.a", 2015): "behind",  # 45 % over 27.5 %
    ("21", 2014): "no-data",  # only a submitted answer
    ("26.a", 2014): "on-track",  # completed and in progress: the line is as far as the least advanced
    ("26.a", 2013): "no-data",
}
