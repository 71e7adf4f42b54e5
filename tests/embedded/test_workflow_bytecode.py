"""The worker writes the workflow modules' bytecode when it starts: the sandbox imports a
workflow's module afresh for every workflow, and without bytecode each import compiles."""

from __future__ import annotations

import importlib.util
import inspect
from pathlib import Path

from worker.main import precompile_workflow_modules
from workflows.council_cycle import CouncilCycleWorkflow


def test_the_workflow_modules_bytecode_is_written_even_when_python_would_not() -> None:
    source = inspect.getfile(CouncilCycleWorkflow)
    cached = Path(importlib.util.cache_from_source(source))
    cached.unlink(missing_ok=True)
    # The module is imported already, so only the precompile can write it again (and these
    # machines, like the Dockerfile, set PYTHONDONTWRITEBYTECODE=1: imports write none).
    precompile_workflow_modules([CouncilCycleWorkflow])
    assert cached.is_file()
    assert cached.stat().st_mtime >= Path(source).stat().st_mtime
