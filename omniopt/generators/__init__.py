"""Generators: the ways points are chosen. Each is registered as a ``GeneratorEntry``."""
