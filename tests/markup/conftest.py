"""The W3C Nu HTML checker (vnu.jar from npm's vnu-jar, run by Debian's Java) over pages the tests
collect: every page is checked in one run of the checker, one JVM start."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.admin.conftest import world  # noqa: F401  (the panel tests' world, shared)
from tests.conftest import IN_CI

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _missing(what: str) -> None:
    message = f"{what}: the W3C checker cannot run"
    if IN_CI:
        pytest.fail(
            message + " (CI=true: see the Makefile's system-packages and assets)", pytrace=False
        )
    pytest.skip(message)


@pytest.fixture(scope="session")
def vnu():
    """A function that checks {name: html} and returns {name: [error messages]}."""
    java = shutil.which("java")
    if java is None:
        _missing("Java is not installed (Debian package default-jre-headless)")
    if not VNU_JAR.is_file():
        _missing(f"{VNU_JAR.relative_to(PROJECT_ROOT)} is not installed (make assets)")

    def check(pages: dict[str, str], folder: Path) -> dict[str, list[str]]:
        files: dict[str, str] = {}
        for number, (name, html) in enumerate(pages.items()):
            path = folder / f"page-{number:04d}.html"
            path.write_text(html, encoding="utf-8")
            files[path.name] = name
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--errors-only",
             "--exit-zero-always", str(folder)],
            capture_output=True, text=True, check=True, timeout=300,
        )  # fmt: skip
        report = json.loads(run.stdout)
        errors: dict[str, list[str]] = {}
        for message in report["messages"]:
            url = message.get("url", "?")
            name = files.get(url.rsplit("/", 1)[-1], url)
            where = f"line {message.get('lastLine', '?')}"
            text = f"{where}: {message['message']} [{message.get('extract', '').strip()}]"
            errors.setdefault(name, []).append(text)
        return errors

    return check
