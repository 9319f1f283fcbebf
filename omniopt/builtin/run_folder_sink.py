"""Built-in plugin: run_folder_sink (filled in by its issue)."""
