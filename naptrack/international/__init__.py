"""International reporting: the UN's, the EU's, CEDAW's and the OSCE's questions answered from what
departments already reported (docs/architecture.md)."""
