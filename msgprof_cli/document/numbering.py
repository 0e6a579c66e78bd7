"""Which country a phone number belongs to, read from the numbering plan (Google's libphonenumber
metadata, through the ``phonenumbers`` package), never guessed from its first digits.

A prefix is not a country: +1 is the United States, Canada and 20-odd others (+1 264 is
Anguilla, +1 416 Canada), and +7 is Russia and Kazakhstan (+7 7xx).  ``phonenumbers`` is imported
inside the functions, so only the commands that call them (``doctor``) pay for it; a test pins
that ``create`` and ``validate`` never import it (tests/test_doctor_startup.py).

Why documents are not checked with it (``validate`` keeps its E.164 syntax rule): whether a
number is *possible* depends on metadata that changes with every numbering-plan update, so the
same document would validate on one install and not on another, and a number that Telnyx sold
could be refused offline by an older copy of the metadata.  The account's inventory is the
authority on which numbers exist; ``doctor`` reads it.  The one place where "possible" is used is
``doctor``'s TO, which is not on the account: a destination that no numbering plan allows is not
a phone number at all (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass

# Non-geographic calling codes (+800 freephone, +882 networks...) have the region "001".
NON_GEOGRAPHIC = "001"


@dataclass(frozen=True)
class Parsed:
    """A +E.164 string as the numbering plan reads it."""

    number: str
    country: str | None  # ISO 3166-1 alpha-2, or None (non-geographic, or no country matches)
    calling_code: int
    possible: bool  # its length fits some number of the calling code
    valid: bool  # it is in a range that the plan assigns


def parse(number: str) -> Parsed | None:
    """None when the text is not a number with a known calling code at all."""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return None
    code = parsed.country_code
    if code is None or not phonenumbers.region_codes_for_country_code(code):
        return None
    region = phonenumbers.region_code_for_number(parsed)
    if region is None:  # a number of no region's ranges: the calling code's main country
        region = phonenumbers.region_code_for_country_code(code)
    country = None if region in (None, NON_GEOGRAPHIC, "ZZ") else region
    return Parsed(
        number=number,
        country=country,
        calling_code=code,
        possible=phonenumbers.is_possible_number(parsed),
        valid=phonenumbers.is_valid_number(parsed),
    )


def country_of(number: str) -> str | None:
    parsed = parse(number)
    return parsed.country if parsed is not None else None


def countries_of_calling_code(code: int) -> tuple[str, ...]:
    """The countries that share a calling code (+1: the US, Canada, Anguilla...), by the plan."""
    import phonenumbers

    return tuple(r for r in phonenumbers.region_codes_for_country_code(code) if r != NON_GEOGRAPHIC)
