"""WeasyPrint (with its font stack) and pypdf are loaded by the first document a process prints,
not by every process that builds the app: a web worker that prints nothing, `send-due` every
minute, each CLI command."""

import json
import subprocess
import sys

PROBE = """
import json, sys
from onboarding import create_app

app = create_app({"ONBOARDING_ENV": "testing", "SECRET_KEY": "x",
                  "SQLALCHEMY_DATABASE_URI": "sqlite://", "SERVER_NAME": "localhost"})
loaded = {"app": sorted(m for m in ("weasyprint", "pypdf") if m in sys.modules)}
with app.app_context():
    from onboarding.documents.rendering import html_to_pdf
    pdf = html_to_pdf("<h1>Bonjour</h1>", static_folder=app.static_folder)
loaded["printed"] = sorted(m for m in ("weasyprint",) if m in sys.modules)
loaded["pdf"] = pdf[:5].decode()
print(json.dumps(loaded))
"""


def test_the_app_loads_weasyprint_and_pypdf_only_when_it_prints():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"app": [], "printed": ["weasyprint"], "pdf": "%PDF-"}
