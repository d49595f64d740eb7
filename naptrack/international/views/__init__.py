"""The international reporting screens: the coordinator's home, question sets and their links to
the plans, requests and their answers, and the focal points' replies to targeted questions.

Coordinators change everything, readers see the same pages without their buttons, focal points see
only the targeted questions put to their department. Every write goes through
naptrack.international.services, every check through rules (user.has_perm)."""
