"""evalcore: the tested core of 绩效评价工作台 — read a project, score it by the scheme's rules,
explain and review every number.

Reading order: inputs → model → schemes/rules → scoring → review → evaluation → presentation → cli.
"""

from .errors import EvalcoreError, InputError, SchemeError
from .evaluation import Evaluation, evaluate, evaluate_paths
from .explore import load_portfolio
from .inputs import load_paths, load_project
from .schemes import get_scheme, load_scheme

__version__ = "0.1.0"

__all__ = ["EvalcoreError", "Evaluation", "InputError", "SchemeError", "__version__", "evaluate",
           "evaluate_paths", "get_scheme", "load_paths", "load_portfolio", "load_project", "load_scheme"]
