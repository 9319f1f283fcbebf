"""Built-in plugin: generators (filled in by its issue)."""
