"""The corpus index."""
