"""Presentation: turn evaluations into what people and scripts read (JSON records, terminal tables).
Nothing here computes a score; it only arranges what `evalcore.evaluation` produced."""
