import rules

from naptrack.core.roles import is_coordinator

# The trail shows every department's actions and what they wrote: it is the coordinator's screen.
# Readers oversee the plan's content, not who did what; focal points see their own work's history.
rules.add_perm("audit.view_event", is_coordinator)
