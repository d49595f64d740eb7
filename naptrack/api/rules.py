import rules

from naptrack.core.roles import is_coordinator

# Coordinators look after the installation's accounts, so they also revoke a lost or leaked token.
rules.add_perm("api.revoke_token", is_coordinator)
