"""The panel's French words: a label for every model attribute a view may show (a view's own
labels win), and Flask-Admin's French corrected where its catalog is wrong or missing."""

from flask_admin import babel as admin_babel

# By attribute name, whatever the model; a view says otherwise in its own column_labels.
LABELS = {
    # people and places
    "id": "N°", "first_name": "Prénom", "last_name": "Nom", "full_name": "Nom",
    "birth_date": "Date de naissance", "email": "E-mail", "phone": "Téléphone",
    "address": "Adresse", "commune": "Commune", "commune_insee": "Code INSEE de la commune",
    "department_code": "Département", "departments": "Départements", "latitude": "Latitude",
    "longitude": "Longitude", "name": "Nom", "postcodes": "Codes postaux",
    # the pathway
    "candidate": "Personne", "coordinator": "Coordinateur", "status": "Statut",
    "referral_source": "Orienté(e) par", "referred_by": "Prescripteur (nom, structure)",
    "referred_on": "Date d'orientation", "cohort": "Cohorte",
    "is_job_seeker": "Demandeur d'emploi", "france_travail_id": "Identifiant France Travail",
    "status_changed_at": "Statut changé le", "withdrawal_reason": "Motif de sortie",
    "withdrawal_note": "Précision sur la sortie", "dossier_filed_on": "Dossier déposé le",
    "dossier_complete_on": "Dossier complet le",
    "requested_capacity": "Nombre d'enfants demandé",
    "has_cap_aepe_units": "Titulaire des unités EP1 et EP3 du CAP AEPE",
    "access_issued_at": "Lien d'accès envoyé le", "steps_reached": "Étapes atteintes",
    "anonymised_at": "Anonymisée le",
    "pathway_configuration_id": "Parcours suivi (version)", "steps": "Étapes du parcours",
    "step": "Étape du parcours", "kind": "Type", "title": "Intitulé",
    "description": "Description", "position": "Ordre", "is_mandatory": "Obligatoire",
    "required_sessions": "Séances requises", "required_hours": "Heures requises",
    "is_active": "Actif", "activity": "Activité", "date": "Date", "start_time": "Début",
    "end_time": "Fin", "place_name": "Lieu", "host_name": "Structure d'accueil",
    "host_siret": "SIRET de la structure", "capacity": "Places", "seats_taken": "Places prises",
    "what_to_bring": "À apporter", "is_cancelled": "Annulée",
    "enrollments": "Inscriptions", "attendance": "Présence", "hours_credited": "Heures créditées",
    "excused_by_candidate": "Absence signalée par la personne", "enrolled_at": "Inscrit(e) le",
    "enrolled_by": "Inscrit(e) par", "marked_at": "Présence relevée le",
    "purpose": "Objet", "starts_on": "Du", "ends_on": "Au", "renewal_of": "Renouvelle",
    "conventions": "Conventions PMSMP",
    # dossier, decisions, training
    "dossier_items": "Pièces du dossier", "received_on": "Reçue le", "note": "Remarque",
    "decisions": "Décisions", "outcome": "Suite donnée", "decided_on": "Date de la décision",
    "reason": "Motivation", "is_renewal": "Renouvellement", "valid_until": "Valable jusqu'au",
    "created_by": "Enregistrée par", "trainings": "Formation", "part": "Partie",
    "block": "Bloc", "hours": "Heures", "includes_first_aid": "Avec les premiers secours",
    "passed": "Réussie", "completed_on": "Achevée le", "provider": "Organisme de formation",
    # carers, places, parents' requests
    "carer": "Assistante maternelle", "source": "Origine", "agrement_on": "Agréée le",
    "agrement_number": "Numéro d'agrément", "birth_name": "Nom de naissance", "mam_label": "MAM",
    "agrement_capacity": "Enfants agréés", "presentation": "Présentation",
    "is_published": "Publiée", "publication_consent_at": "Consentement à la publication le",
    "publication_consent_version": "Version du consentement à la publication",
    "show_address": "Adresse visible", "show_email": "E-mail visible",
    "show_phone": "Téléphone visible", "last_confirmed_on": "Disponibilités confirmées le",
    "first_child_on": "Premier enfant accueilli le", "vacancies": "Places",
    "available_from": "Libre à partir du", "age_min_months": "Âge min. (mois)",
    "age_max_months": "Âge max. (mois)", "half_days": "Demi-journées",
    "early": "Avant 7 h", "late": "Après 19 h", "night": "La nuit",
    "periscolaire": "Périscolaire", "holidays": "Vacances scolaires",
    "emergency": "Accueil d'urgence", "disability": "Enfant en situation de handicap",
    "day_starts_at": "Début de journée", "day_ends_at": "Fin de journée",
    "parent_name": "Parent", "child_birth_date": "Naissance de l'enfant",
    "start_date": "Début souhaité", "needs": "Besoins particuliers", "message": "Message",
    "consent_at": "Consentement donné le", "consent_version": "Version du consentement",
    "outcome_on": "Date de la suite", "handled_by": "Suivie par",
    # staff and journals
    "role": "Rôle", "last_login_at": "Dernière connexion", "actor": "Par", "action": "Action",
    "object_type": "Objet", "object_id": "N° de l'objet", "fields": "Champs modifiés",
    "from_status": "Statut de départ", "to_status": "Statut d'arrivée",
    "effective_on": "Date d'effet", "transitions": "Historique des statuts",
    "created_at": "Créé le", "updated_at": "Modifié le",
    "totp_enabled_at": "Double authentification activée le",
    # the agrément's renewal, the prime d'installation, who may be shown
    "renewal_requested_on": "Demande de renouvellement reçue le",
    "agrement_expires_on": "Agrément valable jusqu'au",
    "bonus_requested_on": "Prime d'installation demandée le",
    "bonus_paid_on": "Prime d'installation versée le",
    "training_part1_on": "Première partie de formation achevée le",
    "withdrawn_on": "Sortie du parcours le", "host_tutor": "Tuteur ou tutrice",
    "host_address": "Adresse du lieu d'immersion", "prescriber": "Prescripteur",
    # messages and sessions
    "messages": "Messages", "sms_refused": "Refuse les SMS", "sequence": "Version",
    "session_version": "Version de session", "channel": "Canal", "due_at": "À envoyer le",
    "attempts": "Essais", "last_error": "Dernière erreur", "sent_at": "Envoyé le",
    "subject_id": "N° de l'objet", "claimed_at": "Pris en charge le",
    "claimed_by": "Pris en charge par", "key": "Clé",
    # the carer space
    "partner_kind": "Type de partenaire", "invited_at": "Invitée à son espace le",
    "rpe_mandate_at": "Accord au Relais Petite Enfance depuis le",
    "carer_answer": "Réponse de l'assistante maternelle", "answered_at": "Répondu le",
    # links between records (a journal names the link that changed)
    "activity_id": "Activité", "actor_id": "Par", "adviser": "Conseiller ou conseillère",
    "adviser_id": "Conseiller ou conseillère", "candidate_id": "Personne",
    "carer_id": "Assistante maternelle", "carers": "Assistantes maternelles de la MAM",
    "configuration": "Parcours", "configuration_id": "Parcours",
    "coordinator_id": "Coordinateur", "created_by_id": "Enregistrée par",
    "decided_by": "Décidée par", "decided_by_id": "Décidée par",
    "enrolled_by_id": "Inscrit(e) par", "handled_by_id": "Suivie par", "mam": "MAM",
    "mam_id": "MAM", "referral": "Orientation par un conseiller",
    "referral_id": "Orientation par un conseiller", "renewal_of_id": "Renouvelle",
    "requests": "Demandes envoyées", "staff_user": "Compte", "staff_user_id": "Compte",
    "step_id": "Étape du parcours", "user": "Compte", "vacancy_id": "Place",
    # sign-in and links
    "access_nonce": "Lien d'accès personnel", "login_id": "Version de session du compte",
    "password": "Mot de passe", "password_hash": "Mot de passe",
    "second_factor": "Double authentification", "recovery_codes": "Codes de secours",
    "code_hash": "Code de secours", "used_at": "Utilisé le",
    "totp_secret": "Double authentification",
    "totp_last_step": "Dernier code de double authentification", "token": "Lien",
    # the pathway's follow-up
    "agrement_suspended_until": "Agrément suspendu jusqu'au",
    "missing_pieces": "Pièces manquantes", "next_deadline": "Prochaine échéance",
    "next_deadline_on": "Date de la prochaine échéance", "offered_at": "Place proposée le",
    "offer_expires_at": "Place proposée jusqu'au", "settled_at": "Réglée le",
    "closing_reason": "Motif de clôture", "decided_at": "Décidée le", "situation": "Situation",
    "territory_kind": "Type de territoire", "territory_code": "Territoire",
    "version": "Version",
    # communes, parents' alerts, imports, counters
    "insee_code": "Code INSEE", "postcode": "Code postal", "postcode_rows": "Codes postaux",
    "population": "Population", "search_name": "Nom (pour la recherche)",
    "radius_km": "Rayon (km)", "start": "Début souhaité", "confirmed_at": "Confirmée le",
    "checked_at": "Vérifiée le", "told_at": "Prévenue le", "stopped_at": "Arrêtée le",
    "filename": "Fichier", "content": "Contenu", "section": "Rubrique", "grain": "Période",
    "day": "Jour", "detail": "Détail", "value": "Valeur", "count": "Nombre",
    "band": "Tranche", "rank_tail": "Rang", "setting": "Mode d'accueil",
}  # fmt: skip

# The journal names what changed by model (its actions are AuditAction's labels): in French.
OBJECT_NAMES = {
    "Candidate": "Personne", "Activity": "Activité", "Enrollment": "Inscription",
    "DossierItem": "Pièce du dossier", "AgrementDecision": "Décision d'agrément",
    "Training": "Formation", "ImmersionConvention": "Convention PMSMP",
    "Carer": "Assistante maternelle", "Vacancy": "Place", "ContactRequest": "Demande de parent",
    "StaffUser": "Compte", "PathwayStep": "Étape du parcours",
    "PathwayConfiguration": "Parcours d'un territoire", "ConfigurationStep": "Étape d'un parcours",
    "Mam": "MAM", "WaitingListEntry": "Liste d'attente", "PreRegistration": "Préinscription",
    "ParentReferral": "Orientation d'un parent", "OutboxMessage": "Message",
    "SearchAlert": "Alerte de recherche", "ImportUpload": "Import de fichier",
    "RecoveryCode": "Code de secours", "TransitionLog": "Changement de statut",
    "AuditLog": "Journal", "Commune": "Commune", "CommunePostcode": "Code postal",
    "IndicatorCount": "Compteur d'indicateurs", "SearchRow": "Ligne de recherche",
}  # fmt: skip
# Journal lines written before the object types were spelled as their models.
_OLD_SPELLINGS = {"candidate": "Candidate", "carer": "Carer"}


def object_name(name: str) -> str:
    name = _OLD_SPELLINGS.get(name, name)
    return OBJECT_NAMES.get(name, name)


def object_choices() -> list[tuple[str, str]]:
    """(stored type, French name) for the journal's filter, in French order."""
    return sorted(OBJECT_NAMES.items(), key=lambda item: item[1])


def field_names(names) -> str:
    """The journal's changed fields, by their labels."""
    return ", ".join(LABELS.get(name, name) for name in names or [])


# Flask-Admin's English, as its French catalog should have said it (wrong, clumsy or missing).
ADMIN_FRENCH = {
    "Edit": "Modifier",
    "Edit Record": "Modifier",
    "View Record": "Afficher",
    "Delete Record": "Supprimer",
    "Create New Record": "Ajouter",
    "Create": "Ajouter",
    "New": "Ajouter",
    "List": "Liste",
    "Export": "Exporter",
    "Search": "Rechercher",
    "Reset Filters": "Effacer les filtres",
    "Please select model": "Choisir…",
    "Please select at least one record.": "Sélectionnez au moins une ligne.",
    "Select all records": "Tout sélectionner",
    "Select record": "Sélectionner la ligne",
    "equals": "égal à",
    "not equal": "différent de",
    "greater than": "supérieur à",
    "smaller than": "inférieur à",
    "empty": "vide",
    "in list": "dans la liste",
    "not in list": "hors de la liste",
    "Are you sure you want to delete this record?": "Supprimer cette ligne ?",
    "Are you sure you want to delete selected records?": "Supprimer les lignes sélectionnées ?",
    "Delete?": "Supprimer ?",
    "Record was successfully created.": "Enregistrement créé.",
    "Record was successfully saved.": "Modifications enregistrées.",
    "Failed to create record.": (
        "Impossible de créer l'enregistrement : corrigez les champs signalés."
    ),
    "Failed to save record.": "Impossible d'enregistrer : corrigez les champs signalés.",
    "Record does not exist.": "Cet enregistrement n'existe pas.",
    "Save and Add Another": "Enregistrer et en ajouter un autre",
    "Save and Continue Editing": "Enregistrer et continuer",
    "There are no items in the table.": "Aucune ligne.",
    "Sort by %(name)s": "Trier par %(name)s",
}
ADMIN_FRENCH_PLURALS = {
    ("Record was successfully deleted.", "%(count)s records were successfully deleted."): (
        "Ligne supprimée.",
        "%(count)s lignes supprimées.",
    ),
}

_CORRECTED = "_onboarding_corrected"


def correct_flask_admin_french() -> None:
    """Put our French into Flask-Admin's catalog, for its templates and its Python code alike.

    Flask-Admin translates through one domain object (flask_admin.babel.domain) that loads its
    catalog once per locale; the catalog is corrected as it comes out, once. Our own
    `translations_path` would not do: Flask-Admin's catalog is merged after it and wins."""
    domain = admin_babel.domain
    if getattr(domain, _CORRECTED, False):
        return
    load = domain.get_translations

    def get_translations():
        translations = load()
        # Outside a request Flask-Babel answers with an empty catalog: nothing to correct.
        if hasattr(translations, "_catalog") and not getattr(translations, _CORRECTED, False):
            translations._catalog.update(ADMIN_FRENCH)
            for (singular, _plural), (one, many) in ADMIN_FRENCH_PLURALS.items():
                translations._catalog[(singular, 0)] = one
                translations._catalog[(singular, 1)] = many
            setattr(translations, _CORRECTED, True)
        return translations

    domain.get_translations = get_translations
    setattr(domain, _CORRECTED, True)
