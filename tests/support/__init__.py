"""Helpers shared by the test packages: import them as ``tests.support.<name>``."""
