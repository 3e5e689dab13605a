"""Reading the PDFs back with pypdf: pages and text as a person reads them."""

import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from onboarding.documents.papers import Issuer
from tests import builders
from tests.admin.conftest import panel, world  # noqa: F401  (the panel's world, reused)


@dataclass
class Pdf:
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)


def read_pdf(data: bytes) -> Pdf:
    assert data.startswith(b"%PDF-"), data[:20]
    reader = PdfReader(io.BytesIO(data))
    # Layout spaces vary with the extraction: compare words separated by single spaces.
    return Pdf([re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages])


@pytest.fixture
def issuer() -> Issuer:
    return Issuer(
        structure="Parcours Assmat – France Travail et Caf, département 33",
        person="Ada Coordinatrice",
        issued_on=builders.TODAY,
    )
