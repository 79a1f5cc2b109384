"""Projects: the tenant boundary that owns items, annotations, models and runs."""
