"""Built-in plugin: plots (filled in by its issue)."""
