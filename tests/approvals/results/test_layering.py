"""The approvals core never imports the results app: results reacts to its signal instead."""

import ast
from pathlib import Path

from django.conf import settings


def test_the_approvals_core_does_not_import_results():
    root = Path(settings.BASE_DIR) / "approvals"
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in ("results", "supervision", "migrations"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]
            if any(name == "approvals.results" or name.startswith("approvals.results.") for name in names):
                offenders.append(str(relative))
    assert offenders == []
