"""What a batch worker (`scraper.batch`) does with one page: clean it into an article line, or read what
its site template counts. `scraper clean` runs them, and so can any entry point that cleans pages in
worker processes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scraper import pipeline
from scraper.batch import INVALID
from scraper.language import kept
from scraper.sources import Item, RawPage, Unreadable
from scraper.templates import TemplateStore


@dataclass(slots=True)
class Outcome:
    """What became of one page: its article line, or why it failed; `explain` is for --explain."""

    source: str
    line: bytes | None = None
    error: str | None = None
    kind: str | None = None  # the error's kind (`scraper.batch`): the service answers each differently
    explain: str | None = None
    template: tuple[str, str, frozenset[str]] | None = None  # the first pass: what the page adds
    fallback: str | None = None  # the site whose cleaner could not clean the page (the generic one did)
    article: bool = False  # the page is an article (`is_article`), not a front or a listing
    lost: bool = False  # the input could not be read from here on (`Unreadable.lost`)
    skipped_language: str | None = None  # the article's language, not among those wanted: not written


def source_of(item: Item) -> str:
    return item.source


def size_of(item: Item) -> int:
    return len(item.html) if isinstance(item, RawPage) else 0


def failure(source: str, reason: str, kind: str = INVALID) -> Outcome:
    return Outcome(source, error=reason, kind=kind)


_store: TemplateStore | None = None  # a worker's site templates (--templates), set by `load_templates`


def load_templates(path: Path | None) -> None:
    """A worker's setup: the site templates, loaded once (not with every chunk)."""
    global _store
    _store = TemplateStore.load(path) if path else None


def clean_page(
    item: Item,
    *,
    explain: bool = False,
    body: str = "text",
    with_: tuple[str, ...] = (),
    languages: frozenset[str] = frozenset(),
) -> Outcome:
    """One page to one article line. What `extract` does, keeping the cleaner's result for --explain.
    With templates, the store learned every input page in the first pass, so learning the page again
    here changes nothing. `body`, `with_` as for `extract`; an article in none of the `languages` (when
    given) is not written, only counted ("unknown" when its language is)."""
    if isinstance(item, Unreadable):
        return Outcome(item.source, error=item.reason, lost=item.lost)
    explained = pipeline.explain(
        item.html,
        item.url,
        content_type=item.content_type,
        templates=_store,
        body=body,
        with_=with_,
        fetched_at=item.fetched_at,
    )
    article = explained.article
    wanted = kept(article.language, languages)
    return Outcome(
        item.source,
        article.to_json() if wanted else None,
        explain=explained.listing(item.source) if explain else None,
        fallback=pipeline.site_fallback(article.site, article.cleaner.fallback_from),
        article=article.is_article and wanted,
        skipped_language=None if wanted else article.language or "unknown",
    )


def read_template(item: Item) -> Outcome:
    """The first pass of a --templates run: the page's site, id and block hashes. A page that fails is
    the clean pass's to report."""
    outcome = Outcome(item.source)
    if isinstance(item, RawPage):
        outcome.template = pipeline.template_entry(pipeline.parse(item.html, item.url, item.content_type))
    return outcome
