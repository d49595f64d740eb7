"""Civil society's personas on the real Belgian plan, made through the services: a Belgian NGO
and a women's organisation in the DR Congo (part of the NGO's network), each with a member whose
account was opened from the invitation link."""

from __future__ import annotations

from naptrack.accounts.invitations import invitation_accept
from naptrack.civilsociety import services


def member(coordinator, organisation, email: str):
    sent = services.member_invite(actor=coordinator, organisation=organisation, email=email)
    key = sent.link.rstrip("/").rsplit("/", 1)[-1]
    return invitation_accept(key=key, password="a long passphrase for tests")


def organisations(coordinator):
    ngo = services.organisation_add(
        actor=coordinator,
        name="Vrouwen voor Vrede",
        country="BE",
        kind="ngo",
        languages=["nl", "fr"],
        contact_email="info@vrouwenvoorvrede.example",
    )
    partner = services.organisation_add(
        actor=coordinator,
        name="Femmes Solidaires du Kivu",
        country="CD",
        kind="womens-organisation",
        languages=["fr"],
        network=ngo,
    )
    return ngo, partner
