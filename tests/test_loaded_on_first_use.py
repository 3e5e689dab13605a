"""What a process loads only when it needs it, not when it builds the app: WeasyPrint (with its
font stack) and pypdf at the first document it prints, Authlib and requests at the first
ProConnect sign-in. A web worker that does neither, `send-due` every minute and each CLI command
are spared their time and memory."""

import json
import subprocess
import sys

PROBE = """
import json, sys
from onboarding import create_app

app = create_app({"ONBOARDING_ENV": "testing", "SECRET_KEY": "x",
                  "SQLALCHEMY_DATABASE_URI": "sqlite://", "SERVER_NAME": "localhost"})
LAZY = ("weasyprint", "pypdf", "authlib", "requests", "joserfc")
loaded = {"app": sorted(m for m in LAZY if m in sys.modules)}
with app.app_context():
    from onboarding.documents.rendering import html_to_pdf
    pdf = html_to_pdf("<h1>Bonjour</h1>", static_folder=app.static_folder)
loaded["printed"] = sorted(m for m in ("weasyprint",) if m in sys.modules)
loaded["pdf"] = pdf[:5].decode()
print(json.dumps(loaded))
"""


def test_the_app_loads_the_printer_and_the_sign_in_federation_on_first_use():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"app": [], "printed": ["weasyprint"], "pdf": "%PDF-"}
