"""The approvals core never imports the market: the market builds on approvals (it attaches a
result through approvals' own material_upload), never the other way round."""

import ast
from pathlib import Path

from django.conf import settings


def test_the_approvals_core_does_not_import_the_market():
    root = Path(settings.BASE_DIR) / "approvals"
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root)
        if relative.parts[0] in ("intermediaries", "migrations"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(name.startswith("approvals.intermediaries") for name in names):
                offenders.append(str(relative))
    assert offenders == []
