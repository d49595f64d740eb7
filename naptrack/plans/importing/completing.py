"""A plan read back from a workbook naptrack exported: what its matrix cannot show (introductions,
notes, coordinators, the kinds and targets of instruments, the departments' order, translations)
taken from the workbook's hidden plan data."""

from __future__ import annotations

from typing import Any

from naptrack.plans.importing import targets
from naptrack.plans.importing.text import fold
from naptrack.plans.interchange import source_of


def complete_from_plan_data(document: dict, data: dict) -> None:
    """What the matrix cannot show, from the plan data of a workbook naptrack exported: the
    introductions of objectives, the notes and coordinators of lines, the kinds and targets of
    instruments (matched by their text), the order of the departments, and the translations of
    every text whose English the matrix shows unchanged. The matrix wins where it says anything."""
    if isinstance(data.get("title"), dict):
        document["title"] = _translated(document["title"], data["title"])
    objectives = {o["number"]: o for o in data["objectives"]}
    goals = {g["number"]: g for o in data["objectives"] for g in o["goals"]}
    actions = {a["code"]: a for o in data["objectives"] for g in o["goals"] for a in g["actions"]}
    for objective in document["objectives"]:
        source = objectives.get(objective["number"])
        if source is not None and not objective.get("intro") and source.get("intro"):
            objective["intro"] = source["intro"]
        if source is not None:
            objective["title"] = _translated(objective["title"], source["title"])
            objective["intro"] = _translated(objective.get("intro", ""), source.get("intro"))
        for goal in objective["goals"]:
            if goal["number"] in goals:
                goal["text"] = _translated(goal["text"], goals[goal["number"]]["text"])
            for action in goal["actions"]:
                source = actions.get(action["code"])
                if source is None:
                    continue
                action["text"] = _translated(action["text"], source["text"])
                if not action.get("notes") and source.get("notes"):
                    action["notes"] = list(source["notes"])
                if action.get("coordinator") is None and source.get("coordinator") in action["departments"]:
                    action["coordinator"] = source["coordinator"]
                kinds = {fold(source_of(i["text"])): i for i in source["instruments"]}
                for instrument in action["instruments"]:
                    match = kinds.get(fold(instrument["text"]))
                    if match is None:
                        continue
                    instrument["text"] = _translated(instrument["text"], match["text"])
                    instrument["kind"] = match["kind"]
                    if match.get("by_sex"):
                        instrument["by_sex"] = True
                    else:
                        instrument.pop("by_sex", None)
                    if match.get("unit"):
                        instrument["unit"] = match["unit"]
                    instrument.update({name: match[name] for name in targets.FIELDS if name in match})
    order = {d["code"]: n for n, d in enumerate(data["departments"])}
    document["departments"].sort(key=lambda d: order.get(d["code"], len(order)))


def _translated(shown: Any, given: Any) -> Any:
    """The plan data's text, translations included, where the matrix shows its English as it is."""
    if isinstance(given, dict) and isinstance(shown, str) and source_of(given) == shown:
        return given
    return shown
