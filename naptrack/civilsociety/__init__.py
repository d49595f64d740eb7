"""Civil society as a participant: organisations and their members, the expertise network,
consultation events and their recommendations, assessments of lines of action (docs/architecture.md)."""
