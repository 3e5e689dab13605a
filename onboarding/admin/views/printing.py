"""What the panel's print and export routes share: who may take the output out, the issuer of a
document and the PDF response."""

import re
import unicodedata

from flask import Response, abort, flash, redirect
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from onboarding.admin.base import row_id
from onboarding.admin.scoping import candidates_in_scope
from onboarding.documents.papers import Issuer
from onboarding.documents.rendering import DocumentTooLarge
from onboarding.extensions import db
from onboarding.pathway.clock import today
from onboarding.pathway.errors import PathwayError
from onboarding.pathway.models import Activity, Candidate, Enrollment
from onboarding.pathway.outputs import Output, may_take_out

STRUCTURE = "Parcours Assmat – France Travail et Caf"


def require(output: Output) -> None:
    """403 unless the signed-in staff member may print or export that kind of output."""
    if not may_take_out(current_user._get_current_object(), output):
        abort(403)


def issuer(department_code: str | None = None) -> Issuer:
    """The signed-in staff member issues the document today, for the row's département."""
    user = current_user._get_current_object()
    structure = f"{STRUCTURE}, département {department_code}" if department_code else STRUCTURE
    return Issuer(structure=structure, person=str(user), issued_on=today())


def file_name(*parts: str) -> str:
    """ "attestation-presence-elodie-oeuvray.pdf": ASCII, for every browser and file system."""
    text = "-".join(parts).replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120]
    return f"{slug or 'document'}.pdf"


def pdf_response(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    # Personal data: not to be kept by a shared proxy or the browser's cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def printed(produce, name: str, back_to: str):
    """The PDF, or the page it was asked from with the French reason it was refused."""
    try:
        data = produce()
    except (PathwayError, DocumentTooLarge) as error:
        flash(error.message, "error")
        return redirect(back_to)
    return pdf_response(data, name)


def candidates_to_print(ids: list[str]) -> list[Candidate]:
    """The selected candidates in scope, in the order of the selection; others are left out."""
    numbers = {n for n in map(row_id, ids) if n is not None}
    rows = db.session.scalars(
        select(Candidate)
        .where(Candidate.id.in_(numbers), candidates_in_scope())
        .options(
            selectinload(Candidate.commune),
            selectinload(Candidate.enrollments)
            .selectinload(Enrollment.activity)
            .selectinload(Activity.commune),
        )
    )
    found = {str(c.id): c for c in rows}
    return [found[i] for i in dict.fromkeys(ids) if i in found]
