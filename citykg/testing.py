"""Helpers for citykg's own test-suite (importable from any test folder)."""

from __future__ import annotations

import os
import shutil

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(name: str) -> str:
    """Path of an external tool; skip when absent, but fail in CI, where .ci/run installs it."""
    import pytest

    path = shutil.which(name)
    if path is None:
        if IN_CI:
            pytest.fail(f"{name} is not installed; .ci/run should have installed it")
        pytest.skip(f"{name} is not installed")
    return path
