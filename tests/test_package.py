"""The built wheel is the whole app: installed into a new virtual environment and run away from
the repository, it builds its database with its own migrations and serves the sign-in page, the
parents' search and the design system's files.

The new environment gets the wheel alone (`--no-deps`); the libraries it needs come from this
environment's site-packages, added after its own, where the app itself is not (it is installed
there in editable mode, through a hook such a path does not run): the test needs no package index
but for the build's own tools.
"""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# What the app cannot run without, as paths in the wheel.
ESSENTIAL = (
    "onboarding/templates/auth/login.html",
    "onboarding/templates/search/search.html",
    "onboarding/static/vendor/dsfr/dsfr.min.css",
    "onboarding/migrations/env.py",
    "onboarding/migrations/alembic.ini",
    "onboarding/migrations/script.py.mako",
    "onboarding/migrations/versions/0001_initial_schema.py",
    "onboarding/pathway/data/communes.csv.gz",
)
SERVE = """
import json, sys
import onboarding
app = onboarding.create_app()
client = app.test_client()
pages = {}
for path in sys.argv[1:]:
    response = client.get(path)
    pages[path] = [response.status_code, response.get_data(as_text=True)]
print(json.dumps({"package": onboarding.__file__, "templates": app.template_folder,
                  "pages": pages}))
"""


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    output = done.stdout[-3000:] + done.stderr[-3000:]
    assert done.returncode == 0, f"{command[:4]} failed:\n{output}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    if not (PROJECT_ROOT / "static" / "vendor" / "dsfr" / "dsfr.min.css").is_file():
        pytest.fail("the design system's assets are not built: make assets")
    out = tmp_path_factory.mktemp("wheel")
    # Each test process (xdist worker) that needs the wheel builds it, in the repository's one
    # build/ folder: one at a time.
    with (PROJECT_ROOT / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # setuptools copies into build/ and never removes there what the repository no longer has.
        shutil.rmtree(PROJECT_ROOT / "build", ignore_errors=True)
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
             str(PROJECT_ROOT)], cwd=out)  # fmt: skip
    [built] = out.glob("parcours_assmat-*.whl")
    return built


def test_the_wheel_holds_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert [path for path in ESSENTIAL if path not in names] == []
    templates = {name for name in names if name.startswith("onboarding/templates/")}
    in_repository = {
        "onboarding/templates/" + path.relative_to(PROJECT_ROOT / "templates").as_posix()
        for path in (PROJECT_ROOT / "templates").rglob("*.html")
    }
    assert in_repository <= templates
    assert not [name for name in names if "__pycache__" in name]


def test_installed_from_the_wheel_it_serves_sign_in_and_search(wheel, tmp_path):
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False)
    python = environment / "bin" / "python"
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--quiet", str(wheel)])  # fmt: skip
    own = run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    shared = sysconfig.get_paths()["purelib"]
    (Path(own.stdout.strip()) / "shared-libraries.pth").write_text(shared + "\n")

    env = {
        "PATH": os.environ.get("PATH", ""),
        "ONBOARDING_ENV": "production",
        "SECRET_KEY": "wheel-test",
        # One process here: rate-limit counters in memory are then allowed in production.
        "SINGLE_PROCESS": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
    }
    away = tmp_path / "elsewhere"
    away.mkdir()
    run([str(python), "-m", "flask", "--app", "onboarding", "db", "upgrade"], env=env, cwd=away)

    start = date.today() + timedelta(days=30)
    search = (
        f"commune=33063&radius_km=10&birth_date={(start - timedelta(days=300)).isoformat()}"
        f"&start={start.isoformat()}&slots=mon_am"
    )
    paths = [
        "/auth/login",
        f"/recherche?{search}",
        f"/api/v1/carers?{search}",
        "/static/vendor/dsfr/dsfr.min.css",
    ]
    served = json.loads(run([str(python), "-c", SERVE, *paths], env=env, cwd=away).stdout)

    assert served["package"].startswith(str(environment)), "the app came from the repository"
    assert served["templates"].startswith(str(environment))
    status = {path: code for path, (code, _) in served["pages"].items()}
    assert status == dict.fromkeys(paths, 200)
    login, results, api, css = (body for _, body in served["pages"].values())
    assert 'name="csrf_token"' in login
    assert 'name="password"' in login
    assert "Bordeaux" in results
    assert "Aucune assistante maternelle ne correspond" in results
    assert json.loads(api)["total"] == 0
    assert len(css) > 10_000
