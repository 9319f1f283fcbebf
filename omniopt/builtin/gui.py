"""Built-in plugin: gui (filled in by its issue)."""
