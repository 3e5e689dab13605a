"""What the package holds: the app's code, and its templates, static files and migrations, which
live beside it in the repository and are installed inside it (onboarding/templates,
onboarding/static, onboarding/migrations), so that a wheel runs without a checkout.

Static files include the built design-system assets (static/vendor, ignored by git): build the
wheel after `make assets`. The metadata and dependencies are in pyproject.toml.
"""

import warnings
from pathlib import Path

from setuptools import find_namespace_packages, setup

ROOT = Path(__file__).resolve().parent
# Package name in the wheel → folder in the repository.
RESOURCES = {
    "onboarding.templates": "templates",
    "onboarding.static": "static",
    "onboarding.migrations": "migrations",
}

# Their subfolders are data, not packages: setuptools need not warn that it skips them.
warnings.filterwarnings("ignore", message=r".*onboarding\.(templates|static|migrations)\.")


def files_under(folder: str) -> list[str]:
    base = ROOT / folder
    return sorted(
        path.relative_to(base).as_posix()
        for path in base.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )


setup(
    packages=[
        *find_namespace_packages(include=["onboarding", "onboarding.*"], exclude=["*.__pycache__"]),
        *RESOURCES,
    ],
    package_dir=RESOURCES,
    package_data={
        "onboarding.pathway.data": ["*.csv.gz"],
        **{package: files_under(folder) for package, folder in RESOURCES.items()},
    },
)
