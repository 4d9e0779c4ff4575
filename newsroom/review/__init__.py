"""The editors' queue: decisions on drafts, and the published article's formats."""
