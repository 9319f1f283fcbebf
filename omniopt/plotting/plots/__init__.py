"""The built-in plot types, grouped by what they show. Each function: ``(run, options) -> Chart``."""
