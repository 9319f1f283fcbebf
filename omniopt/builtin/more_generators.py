"""Built-in plugin: more_generators (filled in by its issue)."""
