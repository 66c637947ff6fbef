"""The report and exploration notebooks, as package data of `evalcore.notebooks`.

This folder stays where the product layout puts it (run `papermill notebooks/evaluation.ipynb ...`
from the repository root); pyproject.toml maps it onto the package `evalcore.notebooks`, so an
installed wheel carries the same files and evalcore finds them with importlib.resources
(evalcore/resources.py). This file only makes the folder importable as that package.
"""
