from django.core.exceptions import ValidationError


def luhn_is_valid(digits):
    total = 0
    for position, digit in enumerate(reversed(digits)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def validate_siren(value):
    """A SIREN is 9 digits whose Luhn checksum is right."""
    digits = value.replace(" ", "")
    if len(digits) != 9 or not digits.isdigit() or not luhn_is_valid(digits):
        raise ValidationError("Ce numéro SIREN n'est pas valide : 9 chiffres attendus, clé de contrôle comprise.")


def validate_siret(value):
    """A SIRET is 14 digits whose Luhn checksum is right (La Poste's establishments follow their own rule)."""
    digits = value.replace(" ", "")
    if len(digits) != 14 or not digits.isdigit():
        raise ValidationError("Ce numéro SIRET n'est pas valide : 14 chiffres attendus.")
    if digits.startswith("356000000"):
        if sum(int(d) for d in digits) % 5 != 0:
            raise ValidationError("Ce numéro SIRET n'est pas valide : la clé de contrôle ne correspond pas.")
    elif not luhn_is_valid(digits):
        raise ValidationError("Ce numéro SIRET n'est pas valide : la clé de contrôle ne correspond pas.")
