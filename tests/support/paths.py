"""Where things are: the repository root and the project's template."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
TESTS = ROOT / "tests"
