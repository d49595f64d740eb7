import rules

from naptrack.core.roles import is_coordinator


@rules.predicate
def holds_token(user, token) -> bool:
    return token is not None and token.user_id == user.pk


# Coordinators look after the installation's accounts, so they also revoke a lost or leaked token;
# a person revokes their own on their profile page.
rules.add_perm("api.revoke_token", is_coordinator | holds_token)
