"""The Share server: a Starlette application over SQLite and a folder of run files."""
