"""Placeholder: filled in by its feature."""
