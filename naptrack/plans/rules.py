import rules

from naptrack.core.roles import is_coordinator

rules.add_perm("plans.load_plan", is_coordinator)
rules.add_perm("plans.change_plan_content", is_coordinator)
rules.add_perm("plans.translate_plan", is_coordinator)
rules.add_perm("plans.change_instrument", is_coordinator)
rules.add_perm("plans.change_target", is_coordinator)
rules.add_perm("plans.publish_targets", is_coordinator)
