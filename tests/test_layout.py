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
    # A message's templates are named after its kind (onboarding/messages/compose.py).
    by_kind = {f"messages/{kind.value}.html" for kind in models.MessageKind}
    unused = [
        str(path.relative_to(ROOT / "templates"))
        for path in (ROOT / "templates").rglob("*.html")
        if str(path.relative_to(ROOT / "templates")) not in sources
        and str(path.relative_to(ROOT / "templates")) not in by_kind
    ]
    assert unused == []


# The parents' search page and the JSON API read the input, call the domain and render: every
# search rule (filters, ranking, widenings, who may be shown, date arithmetic) lives in
# onboarding/pathway/, so that the two cannot drift apart. They may not build SQL, reach the
# models, do date arithmetic, or use the session for anything but handing it to the domain and
# committing.
THIN_PACKAGES = ("search", "api")
RULE_MODULES = ("sqlalchemy", "onboarding.pathway.models", "dateutil")
RULE_NAMES = {("datetime", "timedelta")}
SESSION_USES = {"commit", "rollback"}


def _rule_holding(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
            found += [
                f"imports {node.module}.{alias.name}"
                for alias in node.names
                if (node.module, alias.name) in RULE_NAMES
            ]
        else:
            names = []
        found += [
            f"imports {name}"
            for name in names
            if any(name == module or name.startswith(module + ".") for module in RULE_MODULES)
        ]
        # db.session.<anything> other than commit/rollback: a query written in the view.
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "session"
            and node.attr not in SESSION_USES
        ):
            found.append(f"uses session.{node.attr} (line {node.lineno})")
    return found


@pytest.mark.parametrize(
    "path",
    sorted(p for package in THIN_PACKAGES for p in (ROOT / "onboarding" / package).rglob("*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_the_search_and_the_api_hold_no_search_rule(path):
    assert _rule_holding(path) == [], f"{path.relative_to(ROOT)} holds a rule"


def test_the_layering_check_sees_a_query_written_in_a_view(tmp_path):
    view = tmp_path / "view.py"
    view.write_text(
        "from datetime import timedelta\n"
        "from sqlalchemy import select\n"
        "from onboarding.pathway.models import Carer\n"
        "rows = db.session.execute(select(Carer))\n"
        "db.session.commit()\n"
    )
    assert _rule_holding(view) == [
        "imports datetime.timedelta",
        "imports sqlalchemy",
        "imports onboarding.pathway.models",
        "uses session.execute (line 4)",
    ]


# --- one way to write: web code applies changes through web_changes and names audit actions ----
WEB_PACKAGES = [p for p in (ROOT / "onboarding").iterdir() if p.is_dir() and p.name != "pathway"]
REFUSALS = {"PathwayError", "RuleViolation", "ReasonRequired", "TransitionNotAllowed",
            "ActivityFull", "DuplicateError"}  # fmt: skip


def _caught(handler: ast.ExceptHandler) -> set[str]:
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return {
        node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "") for node in types
    }


def _is_session_commit(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "session"
    )


def _written_by_hand(path: Path) -> list[str]:
    """Commits beside a hand-written refusal handler, and audit actions given as strings."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Try) and any(_caught(h) & REFUSALS for h in node.handlers):
            commits = [n for part in (*node.body, *node.orelse) for n in ast.walk(part)]
            found += [
                f"commits inside try/except PathwayError (line {n.lineno})"
                for n in commits
                if _is_session_commit(n)
            ]
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            action = None
            if node.func.attr == "record":
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
            elif node.func.attr == "_audit" and node.args:
                action = node.args[0]
            if isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.append(f"audit action as a string (line {node.lineno})")
    return found


@pytest.mark.parametrize(
    "path",
    sorted(p for package in WEB_PACKAGES for p in package.rglob("*.py")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_web_code_applies_changes_through_web_changes(path):
    assert _written_by_hand(path) == [], f"{path.relative_to(ROOT)}: use web_changes.apply"


def test_the_one_way_to_write_check_sees_a_hand_written_sequence(tmp_path):
    view = tmp_path / "view.py"
    view.write_text(
        "try:\n"
        "    change()\n"
        "    audit.record(db.session, actor=None, action='update', object_type='X', object_id=1)\n"
        "    db.session.commit()\n"
        "except (ValueError, errors.RuleViolation):\n"
        "    db.session.rollback()\n"
        "self._audit('create', model, [])\n"
        "self._audit(AuditAction.CREATE, model, [])\n"
    )
    assert sorted(_written_by_hand(view)) == [
        "audit action as a string (line 3)",
        "audit action as a string (line 7)",
        "commits inside try/except PathwayError (line 4)",
    ]
