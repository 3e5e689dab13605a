"""Personal access links as coordinators hand them out: the URL, and the email that carries it."""

from datetime import timedelta

import segno
from flask import current_app
from markupsafe import Markup

from onboarding import formatting, mail
from onboarding.pathway import access
from onboarding.pathway.base import utcnow
from onboarding.pathway.errors import RuleViolation
from onboarding.pathway.models import Candidate

NO_EMAIL = (
    "Pas d'adresse e-mail enregistrée : imprimez son lien depuis sa fiche et remettez-le "
    "en main propre."
)


def access_url(token: str) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/candidat/acces/{token}"


def new_personal_link(candidate: Candidate) -> str:
    """A new link (earlier ones stop working); the caller commits."""
    token = access.issue_link(candidate, secret_key=current_app.secret_key, now=utcnow())
    return access_url(token)


def message_link(candidate: Candidate) -> str:
    """The link a message carries (`access.link_for_message`); the caller commits."""
    return access_url(access.link_for_message(candidate, secret_key=current_app.secret_key))


def qr_code_svg(url: str) -> Markup:
    """The link as a QR code (segno), to print beside it: a phone's camera opens it."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, title="Code QR du lien"))


def link_still_valid(candidate: Candidate) -> bool:
    """Whether her current link still opens the space (a new one would silently kill it)."""
    issued = candidate.access_issued_at
    return issued is not None and issued + access.LINK_VALIDITY > utcnow()


def valid_until(candidate: Candidate) -> str:
    """The last day the candidate's current link opens, in French."""
    if candidate.access_issued_at is None:
        return ""
    return formatting.long_date(candidate.access_issued_at + access.LINK_VALIDITY - timedelta(1))


def _mail_body(candidate: Candidate, url: str, sender: str) -> str:
    by = f" ({sender})" if sender else ""
    return (
        f"Bonjour {candidate.first_name},\n\n"
        "Voici votre lien personnel vers votre espace du parcours pour devenir assistant(e) "
        "maternel(le) : votre avancement, vos prochains rendez-vous, les pièces de votre "
        "dossier et, une fois agréé(e), les places que vous proposez aux parents.\n\n"
        f"{url}\n\n"
        f"Ce lien est valable jusqu'au {valid_until(candidate)} inclus. Il est personnel : ne "
        "le transmettez à personne. Il remplace tout lien reçu auparavant.\n\n"
        f"S'il ne fonctionne plus, demandez-en un nouveau à votre conseiller{by}.\n\n"
        "Parcours Assmat – France Travail et Caf\n"
    )


def send_personal_link(candidate: Candidate, *, sender: str = "") -> None:
    """Issue a new link and email it; when the mail cannot leave, the previous link stays valid."""
    if not candidate.email:
        raise RuleViolation(NO_EMAIL)
    previous = candidate.access_nonce, candidate.access_issued_at
    url = new_personal_link(candidate)
    try:
        mail.send(
            candidate.email,
            "Votre lien personnel – Parcours Assmat",
            _mail_body(candidate, url, sender),
        )
    except mail.MailError as error:
        candidate.access_nonce, candidate.access_issued_at = previous
        raise RuleViolation(error.message) from None
