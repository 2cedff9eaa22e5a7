"""The import contracts of `make lint` (pyproject's [tool.importlinter]; docs/architecture.md,
"Layers") hold for the code, and they catch a cycle: an import of a higher app from a lower
one, here one that a function hides, breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
SKIP = shutil.ignore_patterns(
    ".venv", ".git", "var", "staticfiles", "node_modules", "__pycache__", "*.mo", "media"
)


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_its_layers():
    result = lint_imports(Path(settings.BASE_DIR))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_an_import_cycle_breaks_the_contracts(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(settings.BASE_DIR, copy, ignore=SKIP)
    models = copy / "networks" / "models.py"
    # networks is below reports, and reports imports networks: a cycle, hidden in a function.
    models.write_text(
        models.read_text()
        + "\n\ndef _latest_report():\n    from reports.models import QuarterlyReport\n\n"
        "    return QuarterlyReport.objects.last()\n"
    )
    result = lint_imports(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "networks.models -> reports.models" in result.stdout
