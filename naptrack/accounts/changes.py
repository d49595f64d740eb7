"""Telling the apps above this one that a person's credentials changed.

Some data kept above the accounts app holds a person's access: the API tokens (api). A token must
stop working when its holder's password changes or is reset, when their role or department
changes, or when their account is deactivated. This app may not import the api app
(docs/architecture.md), so the api registers a follower here when Django starts (its
AppConfig.ready), and the account services call `account_changed` explicitly, inside their
transaction, one visible line in each (as plans/changes.py does for the search index).

Why a follower that deletes the tokens, rather than a "credentials changed at" stamp on the user
that authentication compares with each token's creation: deleting is final (a role changed and
changed back does not bring old tokens back to life), the person's token list on their profile
page stays true without filtering, and the service's audit entry can say how many tokens went.
The Django admin's user pages call it too (accounts/admin.py). Not a Django signal: nothing runs
on a model's save, only where a service says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Follower = Callable[..., dict[str, Any]]
_followers: list[Follower] = []

PASSWORD = "password"
ROLE = "role"
DEACTIVATED = "deactivated"


def follow(follower: Follower) -> None:
    """Call `follower(user, what=...)` whenever a person's credentials change; it returns a dict
    of what it did (e.g. {"tokens_revoked": 2}), which goes into the service's audit entry."""
    if follower not in _followers:
        _followers.append(follower)


def account_changed(user, *, what: str) -> dict[str, Any]:
    """The credentials of `user` changed in the current transaction (`what`: PASSWORD, ROLE, which
    covers the department, or DEACTIVATED). Returns what the followers did, merged."""
    done: dict[str, Any] = {}
    for follower in _followers:
        done.update(follower(user, what=what))
    return done
