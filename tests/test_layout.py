"""Consistency: the domain stays free of web code; labels and templates are complete."""

import ast
from pathlib import Path

import pytest

import onboarding.pathway.models as models
from onboarding.pathway.base import Choice

ROOT = Path(__file__).resolve().parent.parent
WEB_MODULES = ("flask", "flask_admin", "flask_login", "flask_wtf", "wtforms", "onboarding.admin",
               "onboarding.auth", "onboarding.public", "onboarding.candidate")  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "path", sorted((ROOT / "onboarding" / "pathway").rglob("*.py")), ids=lambda p: p.name
)
def test_the_domain_imports_no_web_code(path):
    web = {
        name
        for name in _imports(path)
        if any(name == module or name.startswith(module + ".") for module in WEB_MODULES)
    }
    assert web == set(), f"{path.relative_to(ROOT)} imports {web}"


def _choices():
    return [
        value
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, Choice) and value is not Choice
    ]


def test_every_choice_is_found():
    assert {c.__name__ for c in _choices()} >= {"CandidateStatus", "Role", "ActivityKind"}


@pytest.mark.parametrize("choice", _choices(), ids=lambda c: c.__name__)
def test_every_choice_has_a_french_label(choice):
    for member in choice:
        assert member.label, member
        assert member.label != member.value, member
    labels = [member.label for member in choice]
    assert len(labels) == len(set(labels)), "two members share a label"


def test_every_template_is_used():
    sources = "\n".join(
        path.read_text()
        for pattern in ("onboarding/**/*.py", "templates/**/*.html")
        for path in ROOT.glob(pattern)
    )
    unused = [
        str(path.relative_to(ROOT / "templates"))
        for path in (ROOT / "templates").rglob("*.html")
        if str(path.relative_to(ROOT / "templates")) not in sources
    ]
    assert unused == []
