"""requirements.lock (written by `make lock`) covers pyproject.toml: every dependency, extras
included, is pinned there at a version its specifier accepts, and every pin carries hashes.
A dependency added to pyproject.toml without `make lock` fails here."""

import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from onboarding.config import PROJECT_ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def lock_pins(text: str) -> dict[str, tuple[Version, int]]:
    """name → (version, number of hashes) for each pin of a lock file."""
    pins: dict[str, tuple[Version, int]] = {}
    current = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            pins[current] = (Version(match.group(2)), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
    return pins


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        names.extend(extra)
    return [Requirement(name) for name in names]


def unlocked(requirements: list[Requirement], pins: dict) -> list[str]:
    missing = []
    for requirement in requirements:
        pin = pins.get(canonicalize_name(requirement.name))
        if pin is None or not requirement.specifier.contains(pin[0], prereleases=True):
            missing.append(str(requirement))
    return missing


def test_every_dependency_of_pyproject_is_pinned_in_the_lock():
    pins = lock_pins((PROJECT_ROOT / "requirements.lock").read_text())
    missing = unlocked(project_requirements(), pins)
    assert not missing, f"not in requirements.lock (run `make lock`): {missing}"
    assert all(hashes > 0 for _, hashes in pins.values())


def test_a_dependency_left_out_of_the_lock_is_seen():
    pins = lock_pins("flask==3.1.0 \\\n    --hash=sha256:ab\n")
    assert pins == {"flask": (Version("3.1.0"), 1)}
    requirements = [Requirement("flask>=3.1,<4"), Requirement("authlib>=1.3")]
    assert unlocked(requirements, pins) == ["authlib>=1.3"]
    assert unlocked([Requirement("flask>=3.2")], pins) == ["flask>=3.2"]
