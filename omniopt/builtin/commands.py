"""Built-in plugin: commands (filled in by its issue)."""
