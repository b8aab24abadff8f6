"""Parallax's presentation layer: the command line and the Textual review app.

Everything here presents what ``parallax.core`` computes; no analysis happens in this package.
"""
