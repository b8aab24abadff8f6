"""Exports of annotations: native JSON (with its JSON Schema), W3C Web Annotation, CSV and
Markdown, written atomically; and reading native and W3C exports back."""
