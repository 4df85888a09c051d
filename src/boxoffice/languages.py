"""Languages by ISO 639-1 code: the languages a film may be shown in, and the languages a
person may choose for their mail (and to see first among suggested shows).

Films come in any language a cinema screens, in India or elsewhere (a venue in Dublin shows
Korean and French films). Mail is written only in the languages of the catalogues in
``templates/mail/i18n``; a person on another of ``MAIL_LANGUAGES`` gets it in English.
"""

from babel import Locale

# The languages of the cinemas here: a person's choices for mail, and the film languages
# offered first, in this order.
MAIL_LANGUAGES: tuple[str, ...] = ("en", "hi", "ta", "te", "ml", "kn", "bn", "mr")

# Languages films are commonly screened in besides, offered after the above by name.
_MORE_FILM_LANGUAGES = (
    "ar as cs da de el es fa fi fr gu he hu id it ja ko ms ne nl no or pa pl pt ro ru si sv "
    "th tl tr uk ur vi zh"
).split()

# CLDR's English name since CLDR 42 is "Bangla"; the mail catalogues translate "Bengali",
# which is also what audiences and the exports here have always read.
_NAMES_IN_USE = {"bn": "Bengali"}


def _english_names(codes: list[str]) -> dict[str, str]:
    cldr = Locale.parse("en").languages
    return {code: _NAMES_IN_USE.get(code) or cldr[code] for code in codes}


# Every film language's English name, the common ones first, then the rest by name; a show,
# a search and every name shown (web app, mails, exports) use these codes.
LANGUAGES: dict[str, str] = _english_names(list(MAIL_LANGUAGES))
LANGUAGES.update(sorted(_english_names(_MORE_FILM_LANGUAGES).items(), key=lambda item: item[1]))

FILM_LANGUAGES: tuple[str, ...] = tuple(LANGUAGES)
