"""Producing inputs rather than reading them: carrier writers, the blank template, synthetic portfolios.

Everything here writes what `evalcore.inputs` reads, labelled from `evalcore.fields`, so a file we
produce always loads.
"""
