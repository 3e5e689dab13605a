"""Why a message was not sent, in French for the panel's list of messages.

The outbox keeps a short code (`OutboxMessage.last_error`): the reason `compose` gave for a
message that no longer had to be sent (`Obsolete`), or the name of the exception a channel raised
(`delivery`), HTTP status of the SMS gateway included. The codes stay as they are, stable for
the logs and the tests; this module says them to a person.
"""

# A message that no longer had to be sent: what changed meanwhile.
OBSOLETE = {
    "absence_withdrawn": "L'absence annoncée a été retirée.",
    "activity_cancelled": "L'activité a été annulée.",
    "activity_moved": "L'activité a changé de date ou d'horaire.",
    "activity_past": "L'activité a déjà eu lieu.",
    "alert_stopped": "L'alerte a été arrêtée.",
    "already_confirmed": "L'alerte était déjà confirmée.",
    "anonymised": "Les données de la personne ont été anonymisées.",
    "attendance_recorded": "La présence est déjà relevée.",
    "campaign_over": "La campagne de mise à jour est terminée.",
    "candidate_gone": "La personne n'est plus suivie (fiche supprimée ou anonymisée).",
    "confirmed_since": "Les disponibilités ont été confirmées entre-temps.",
    "enrollment_gone": "L'inscription a été annulée.",
    "no_answer": "Aucune réponse n'a été donnée.",
    "no_coordinator": "Aucun coordinateur actif n'est là pour la recevoir.",
    "no_email": "Pas d'adresse e-mail connue.",
    "no_match_any_more": "Plus aucune place ne correspond à l'alerte.",
    "no_mobile": "Pas de numéro de téléphone mobile connu.",
    "not_a_carer": "La personne n'exerce plus comme assistante maternelle.",
    "not_published": "Ses places ne sont plus publiées.",
    "nothing_this_week": "Rien à traiter cette semaine.",
    "offer_expired": "La place proposée n'a pas été acceptée à temps.",
    "offer_settled": "La place proposée a déjà été acceptée ou refusée.",
    "request_gone": "La demande a été supprimée.",
    "request_moved": "La demande a changé d'état entre-temps.",
}

# An attempt that failed: what the mail server, the network or the SMS gateway answered.
FAILED = {
    "SMTPRecipientsRefused": "Adresse refusée par le serveur de messagerie.",
    "SMTPSenderRefused": "Expéditeur refusé par le serveur de messagerie.",
    "SMTPDataError": "Message refusé par le serveur de messagerie.",
    "SMTPAuthenticationError": "Identifiants refusés par le serveur de messagerie.",
    "SMTPNotSupportedError": "Le serveur de messagerie ne permet pas cet envoi.",
    "SMTPHeloError": "Le serveur de messagerie a refusé la connexion.",
    "SMTPConnectError": "Serveur de messagerie injoignable.",
    "SMTPServerDisconnected": "Le serveur de messagerie a coupé la connexion.",
    "SMTPResponseException": "Erreur du serveur de messagerie.",
    "SMTPException": "Erreur du serveur de messagerie.",
    "ConnectionRefusedError": "Serveur injoignable (connexion refusée).",
    "ConnectionResetError": "La connexion a été coupée.",
    "BrokenPipeError": "La connexion a été coupée.",
    "TimeoutError": "Le serveur n'a pas répondu à temps.",
    "gaierror": "Nom du serveur introuvable.",
    "SSLError": "Échec de la connexion chiffrée.",
    "URLError": "Passerelle SMS injoignable.",
    "OSError": "Erreur réseau.",
}


def reason_text(code: str | None) -> str:
    """The French sentence for an outbox code; "" for none."""
    if not code:
        return ""
    if code in OBSOLETE:
        return OBSOLETE[code]
    if code in FAILED:
        return FAILED[code]
    if code.startswith("HTTP "):
        return f"Passerelle SMS : réponse d'erreur {code.removeprefix('HTTP ')}."
    return "Erreur technique."
