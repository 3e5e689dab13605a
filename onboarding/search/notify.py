"""The e-mail that tells a carer a family asks to be put in contact with her."""

from flask import current_app

from onboarding.formatting import long_date
from onboarding.pathway.contact_answers import UNANSWERED_AFTER_DAYS
from onboarding.pathway.schedule import HALF_DAY_LABELS, NEED_LABELS, half_day_names, need_names
from onboarding.pathway.search import age_in_months


def _age_words(request) -> str:
    months = age_in_months(request.child_birth_date, request.start_date)
    if request.child_birth_date > request.created_at.date():
        return f"naissance prévue le {long_date(request.child_birth_date)}"
    if months < 24:
        return f"{months} mois au début de l'accueil"
    return f"{months // 12} ans au début de l'accueil"


def carer_message(carer, request, commune) -> tuple[str, str]:
    slots = ", ".join(HALF_DAY_LABELS[n] for n in half_day_names(request.half_days))
    needs = ", ".join(NEED_LABELS[n] for n in need_names(request.needs))
    contact = " · ".join(part for part in (request.email, request.phone) if part)
    lines = [
        f"Bonjour {carer.first_name},",
        "",
        "Une famille a vu votre place disponible sur Parcours Assmat et souhaite être mise en "
        "relation avec vous.",
        "",
        f"Parent : {request.parent_name}",
        f"Pour la joindre : {contact}",
        f"Commune : {commune.name}",
        f"Enfant : {_age_words(request)}",
        f"Début souhaité : {long_date(request.start_date)}",
        f"Demi-journées : {slots or 'non précisées'}",
    ]
    if needs:
        lines.append(f"Besoins particuliers : {needs}")
    lines.append(f"Demandeur ou demandeuse d'emploi : {'oui' if request.is_job_seeker else 'non'}")
    if request.message:
        lines += ["", "Son message :", request.message]
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    lines += [
        "",
        "Merci de lui répondre, même si votre place n'est plus libre. La coordination de votre "
        "département suit aussi cette demande.",
        "",
        "Puis notez votre réponse dans votre espace, rubrique « Demandes des parents » : sans "
        f"réponse notée sous {UNANSWERED_AFTER_DAYS} jours, la coordination reviendra vers vous.",
        f"{base}/espace-assmat/demandes",
        "Si votre lien personnel a expiré, demandez-en un nouveau :",
        f"{base}/espace-assmat/nouveau-lien",
        "",
        "Pensez à confirmer vos disponibilités régulièrement : un profil non confirmé depuis "
        "6 mois n'est plus visible des parents.",
        "",
        f"Parcours Assmat – {current_app.config['PUBLIC_BASE_URL']}",
    ]
    return "Une famille souhaite vous contacter pour une place d'accueil", "\n".join(lines)
