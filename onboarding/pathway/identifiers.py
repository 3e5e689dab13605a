"""Identifiers people type: France Travail identifiers, SIRET numbers, phone numbers."""

import re

# 7 digits and a letter or digit (older identifiers), or 11 digits (since 2025).
# re.ASCII: "\d" would otherwise take any script's digits ("١٢٣").
FRANCE_TRAVAIL_ID = re.compile(r"^(\d{7}[A-Z0-9]|\d{11})$", re.ASCII)
FRENCH_PHONE = re.compile(
    r"^(0[1-9]\d{8}|\+33[1-9]\d{8}|\+262\d{9}|\+590\d{9}|\+594\d{9}|\+596\d{9})$", re.ASCII
)
SIRET = re.compile(r"^[0-9]{14}$")
# La Poste's establishments share one SIREN and follow their own checksum.
LA_POSTE_SIREN = "356000000"


def normalize_france_travail_id(raw: str) -> str:
    return re.sub(r"[\s.-]", "", raw).upper()


def is_france_travail_id(value: str) -> bool:
    return bool(FRANCE_TRAVAIL_ID.fullmatch(value))


def normalize_siret(raw: str) -> str:
    return re.sub(r"[\s.]", "", raw)


def is_siret(value: str) -> bool:
    """14 digits whose Luhn sum is a multiple of 10; La Poste's establishments, whose numbers
    outgrew the key, may instead have digits summing to a multiple of 5 (its head office,
    35600000000048, passes Luhn)."""
    # Not str.isdigit(): it accepts "²", which int() then refuses.
    if not SIRET.fullmatch(value):
        return False
    total = 0
    for position, digit in enumerate(reversed(value)):
        n = int(digit)
        if position % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    if total % 10 == 0:
        return True
    return value.startswith(LA_POSTE_SIREN) and sum(int(digit) for digit in value) % 5 == 0


def normalize_phone(raw: str) -> str:
    return re.sub(r"[\s.()-]", "", raw)


def is_phone(value: str) -> bool:
    return bool(FRENCH_PHONE.fullmatch(value))


def is_mobile_phone(value: str | None) -> bool:
    """A mainland French mobile number (06, 07), the only kind a text message is sent to."""
    if not value:
        return False
    number = normalize_phone(value)
    return bool(re.fullmatch(r"(0|\+33)[67]\d{8}", number, re.ASCII))


def phone_variants(raw: str) -> set[str]:
    """The spellings a French number is stored under ("0612345678", "+33612345678"), from what
    was typed ("06 12 34 56 78", "+33 6 12…", "0033 6…"); empty when it is not such a number."""
    number = normalize_phone(raw or "")
    if number.startswith("0033"):
        number = "+33" + number[4:]
    if re.fullmatch(r"\+33[1-9]\d{8}", number, re.ASCII):
        return {number, "0" + number[3:]}
    if re.fullmatch(r"0[1-9]\d{8}", number, re.ASCII):
        return {number, "+33" + number[1:]}
    return {number} if is_phone(number) else set()
