"""An article's language: the one its page declares, when that is a valid language subtag
(`scraper.metadata.language_subtag`), else the one its text is written in, detected by py3langid (a
naive Bayes model of 97 languages that ships in the wheel: nothing is downloaded at run time).

Detection reads the first `DETECT_CHARS` characters of the text: 4-7% of the time of cleaning the page
(`benchmarks/bench_language.py` measures both, and the agreement with the languages pages declare), paid
only by pages that declare no valid language. The model loads on first use (about 0.5 s), once per
process."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from scraper.metadata import language_subtag

DETECT_CHARS = 1000  # enough for a confident guess (the cost grows with the length)


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE)


def load() -> None:
    """Load the model now (a worker's warm-up), not on the first page that needs it."""
    _identifier()


def detect(text: str) -> str | None:
    """The language the text is written in (an ISO 639-1 code), None for text without letters."""
    sample = text[:DETECT_CHARS]
    if not any(char.isalpha() for char in sample):
        return None
    return _identifier().classify(sample)[0]


def article_language(declared: str | None, text: str) -> str | None:
    """The declared language (already validated) when there is one, else the text's."""
    return declared or detect(text)


def parse_languages(values: Iterable[str]) -> frozenset[str]:
    """The languages of `--lang en,de` (or a list), as primary subtags. Raises ValueError naming a value
    that is not a language subtag."""
    wanted = set()
    for value in (part.strip() for item in values for part in item.split(",")):
        if not value:
            continue
        if (subtag := language_subtag(value)) is None:
            raise ValueError(f"{value!r} is not a language subtag (like en, de, pt-BR)")
        wanted.add(subtag)
    return frozenset(wanted)


def kept(language: str | None, languages: frozenset[str]) -> bool:
    """Whether an article of `language` is kept when only `languages` are wanted (all, when empty). An
    article whose language is unknown is not one of them."""
    return not languages or language in languages
