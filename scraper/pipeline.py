"""The one extraction pipeline: every entry point (clean, crawl, fetch, API) calls `extract`."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from urllib.parse import urljoin, urlsplit

import tldextract
from selectolax.lexbor import LexborHTMLParser

import cleaners
from cleaners import generic
from scraper import dates, invariants
from scraper.article import Article, CleanerInfo, Image, content_hash, word_count
from scraper.blocks import base_url, caption_of
from scraper.decode import decode
from scraper.dropcaps import join_drop_caps
from scraper.errors import ExtractError
from scraper.evidence import Evidence, read_evidence
from scraper.explanation import Explanation
from scraper.language import article_language
from scraper.metadata import read_metadata
from scraper.page import Cleaned, Page
from scraper.render import check_options, needs_structure, render
from scraper.render import images as render_images
from scraper.render import links as render_links
from scraper.site import Site
from scraper.templates import TemplateStore, page_blocks
from scraper.text import join_paragraphs

# No network: use the public suffix list snapshot that ships with tldextract.
_domains = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


@cache
def registered_domain(host: str) -> str | None:
    return _domains(host).top_domain_under_public_suffix or None


def _host(url: str | None) -> str | None:
    return (urlsplit(url).hostname or None) if url else None


def parse(
    html: bytes | str, url: str | None = None, content_type: str | None = None, *, structured: bool = False
) -> Page:
    """Decode and parse once; read the page's own metadata. `structured`: the cleaners are to keep the
    structure of the paragraphs (for a markdown or HTML body, links, images)."""
    text = join_drop_caps(decode(html, content_type))
    if "<" not in text:
        raise ExtractError("no HTML markup")
    tree = LexborHTMLParser(text)
    meta = read_metadata(tree, url)
    return Page(
        tree=tree,
        url=url,
        meta=meta,
        html=text,
        evidence=read_evidence(meta, tree.body),
        structured=structured,
        base=base_url(tree.root, url or meta.canonical_url) if structured else None,
    )


def clean(page: Page, templates: TemplateStore | None = None) -> Cleaned:
    """The site cleaner for the page's domain (by URL, else by canonical/og:url, which also catches
    mirrors and local copies of a known site), else the generic one, which also drops the blocks that
    the learned template of the site (if any) marks as repeated. A result is checked against the
    page's evidence (`scraper.invariants`): a site cleaner that fails it hands the page to the generic
    cleaner, and a generic result that fails it is compared with an independent reading of the page."""
    site = site_of(page)
    template = templates.boilerplate(site) if templates and site else frozenset()
    site_cleaner = cleaners.cleaner_for(_host(page.url)) or cleaners.cleaner_for(
        _host(page.meta.canonical_url)
    )
    if site_cleaner is None:
        return _checked(page, generic.clean(page, template), template)
    cleaned = site_cleaner.clean(page)
    failure = (
        "no layout matched the page"
        if cleaned is None
        else invariants.problem(cleaned.paragraphs, cleaned.is_article, page.evidence)
    )
    if failure is None:
        return cleaned
    fresh = _reparsed(page)  # the site cleaner changed the tree
    fallback = _checked(fresh, generic.clean(fresh, template), template)
    if cleaned is not None and not invariants.better(
        fallback.paragraphs, fallback.is_article, cleaned.paragraphs, page.evidence
    ):
        _scrub(cleaned, page.evidence)
        return cleaned
    fallback.fallback_from = site_cleaner.name
    fallback.removed.insert(0, ("fallback", f"{site_cleaner.name} {failure}"))
    return fallback


def _checked(page: Page, cleaned: Cleaned, template: frozenset[str]) -> Cleaned:
    """The generic cleaner's result, or an independent reading of the unpruned page where the result
    fails a check and the reading is better. The reading runs only then: it costs a parse and a
    trafilatura pass."""
    failure = invariants.problem(cleaned.paragraphs, cleaned.is_article, page.evidence)
    if failure is None:
        return cleaned
    reading = generic.clean(_reparsed(page), template, unpruned=True)
    if not invariants.better(reading.paragraphs, reading.is_article, cleaned.paragraphs, page.evidence):
        _scrub(cleaned, page.evidence)
        return cleaned
    reading.fallback_from = cleaned.fallback_from or cleaned.cleaner
    reading.removed.insert(0, ("safety net", f"{cleaned.cleaner}: {failure}"))
    return reading


def _scrub(cleaned: Cleaned, evidence: Evidence) -> None:
    """Take leaked stylesheet or script paragraphs and an opening menu out of a body that keeps its
    cleaner, each recorded for --explain."""
    kept = invariants.scrub(cleaned.paragraphs, evidence)
    cleaned.removed += [("body check", para) for para in cleaned.paragraphs if para not in kept]
    cleaned.paragraphs = kept


def _reparsed(page: Page) -> Page:
    """The page on a fresh tree, for a second cleaner after one has changed the first."""
    return replace(page, tree=LexborHTMLParser(page.html))


def known_sites() -> dict[str, Site]:
    """Every declared site, by name: each site's module in `cleaners/` declares it once, for its
    cleaner and for its spider (the spiders reach the site modules only through the pipeline)."""
    return cleaners.sites()


def site_fallback(site: str | None, fallback_from: str | None) -> str | None:
    """The site whose own cleaner could not clean an article's page (the generic cleaner did), from
    the article's `site` and `cleaner.fallback_from`: what an operator counts to learn that a site
    changed its markup."""
    return (site or fallback_from) if fallback_from and fallback_from != generic.NAME else None


def cleaner_version(name: str) -> str | None:
    """The version a cleaner has now, by the name an article's `cleaner` gives it (None for a cleaner
    that no longer exists): the generic cleaner's `VERSION`, a site cleaner's layouts."""
    if name in (generic.NAME, generic.UNPRUNED):
        return generic.VERSION
    site_cleaner = next((c for c in cleaners.site_cleaners().values() if c.name == name), None)
    return site_cleaner.version if site_cleaner else None


def judges(cleaner: str, fallback_from: str | None) -> str:
    """The cleaners that judged a page, with their versions now: the one that cleaned it and the site
    cleaner that could not. A crawl re-judges a page judged "not an article" (or left to a fallback)
    once this changes: a cleaner fixed since then may read it."""
    return _judges([fallback_from, cleaner] if fallback_from else [cleaner])


def _judges(names: list[str]) -> str:
    return " > ".join(f"{name} {cleaner_version(name) or '?'}" for name in names)


def outdated(judged: str) -> bool:
    """Whether a verdict's judges (as `judges` wrote them) have changed since: a version moved, or a
    cleaner is gone."""
    return _judges([judge.partition(" ")[0] for judge in judged.split(" > ")]) != judged


def site_of(page: Page) -> str | None:
    """The registered domain a page belongs to (by canonical URL, else URL)."""
    host = _host(page.meta.canonical_url) or _host(page.url)
    return registered_domain(host) if host else None


def template_entry(page: Page) -> tuple[str, str, frozenset[str]] | None:
    """What a site template counts of the page: its site, its id and its block hashes (read before
    cleaning changes the tree); None for a page without a site or a body."""
    site, page_id = site_of(page), page.meta.canonical_url or page.url
    if site and page_id and (root := page.tree.body) is not None:
        return site, page_id, page_blocks(root)
    return None


def learn(templates: TemplateStore, page: Page) -> None:
    """Count the page's blocks into its site's template."""
    if entry := template_entry(page):
        templates.add(*entry)


def extract(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    templates: TemplateStore | None = None,
    body: str = "text",
    with_: tuple[str, ...] | list[str] = (),
    fetched_at: str | None = None,
) -> Article:
    """Turn one HTML page into an `Article`. Raises `ExtractError` for input that is not a page.
    With `templates`, the page is learned into its site's template and cleaned with it. `body`: "text"
    (paragraphs), "markdown" or "html", the same paragraphs with their structure; `with_`: "links",
    "images" (the article's own, in the record's `links` and `images`). Raises ValueError for a body
    format or an extra that does not exist. `fetched_at`: when the page was fetched (ISO 8601, UTC),
    where the caller knows it."""
    return explain(
        html,
        url,
        content_type=content_type,
        templates=templates,
        body=body,
        with_=with_,
        fetched_at=fetched_at,
    ).article


def explain(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    templates: TemplateStore | None = None,
    body: str = "text",
    with_: tuple[str, ...] | list[str] = (),
    fetched_at: str | None = None,
) -> Explanation:
    """The article `extract` makes, with the cleaner and every block it removed (`print` lists them)."""
    check_options(body, with_)
    structured = needs_structure(body, with_)
    page, cleaned = analyse(html, url, content_type=content_type, templates=templates, structured=structured)
    article = build_article(page, cleaned, body=body, with_=with_, fetched_at=fetched_at)
    return Explanation(article, f"{cleaned.cleaner} {cleaned.version}", cleaned.removed)


def analyse(
    html: bytes | str,
    url: str | None = None,
    *,
    content_type: str | None = None,
    templates: TemplateStore | None = None,
    structured: bool = False,
) -> tuple[Page, Cleaned]:
    """The parsed page and the cleaner's result, including what was removed and by which rule.
    `structured`: the paragraphs keep their structure (`scraper.blocks`), for `build_article`'s
    markdown and HTML bodies, links and images."""
    page = parse(html, url, content_type, structured=structured)
    if templates is not None:
        learn(templates, page)
    caption = lead_caption(page)  # before cleaners modify the tree
    cleaned = clean(page, templates)
    if cleaned.caption is None:
        cleaned.caption = caption
    return page, cleaned


def lead_caption(page: Page) -> str | None:
    """The visible caption of the lead image (the og:image, in whichever size the page shows it, or
    behind a link to it): the figcaption of its figure, else a caption block beside it."""
    if not page.meta.image:
        return None
    wanted = _image_key(page.meta.image)
    name = wanted.rpartition("/")[2].rpartition(".")[0]
    for img in page.tree.css("img"):
        link = img.parent if img.parent is not None and img.parent.tag == "a" else None
        sources = [img.attributes.get("src"), link.attributes.get("href") if link else None]
        if not any(s and name in s and _image_key(urljoin(page.meta.image, s)) == wanted for s in sources):
            continue
        if caption := caption_of(img):
            return caption
    return None


# A CMS serves one image in many sizes: "photo-696x392.jpg" is "photo.jpg".
_IMAGE_SIZE = re.compile(r"-\d{2,5}x\d{2,5}(?=\.\w+$)")


def _image_key(url: str) -> str:
    return _IMAGE_SIZE.sub("", urlsplit(url).path)


def build_article(
    page: Page,
    cleaned: Cleaned,
    *,
    body: str = "text",
    with_: tuple[str, ...] | list[str] = (),
    fetched_at: str | None = None,
) -> Article:
    """Merge the cleaner's findings over the page metadata: the cleaner knows the markup, the
    metadata is the fallback. The body is rendered in the `body` format; `with_` adds links, images.
    Word count and content hash are the text body's, whatever the format."""
    meta = page.meta
    text = join_paragraphs(cleaned.paragraphs)
    # A front, tag or error page has no article text: its teasers and menus are not a body.
    kept = cleaned.paragraphs if cleaned.is_article else []
    body_text = text if cleaned.is_article else ""
    title = cleaned.title or meta.title
    return Article(
        url=page.url,
        canonical_url=meta.canonical_url,
        site=site_of(page),
        site_name=meta.site_name,
        title=title,
        description=cleaned.description or meta.description,
        authors=cleaned.authors if cleaned.authors is not None else meta.authors,
        published=dates.published(
            meta.published,
            page.url,
            page.html,
            marked=cleaned.published,
            shown=cleaned.shown if cleaned.is_article else None,
        ),
        modified=cleaned.modified or meta.modified,
        fetched_at=fetched_at,
        dateline=cleaned.dateline,
        language=article_language(meta.language, text),  # a front's language is that of its teasers
        section=cleaned.section or meta.section,
        tags=cleaned.tags if cleaned.tags is not None else meta.tags,
        image=Image(meta.image, cleaned.caption) if meta.image else None,
        body_format=body,
        body=render(kept, body) if body != "text" else body_text,
        links=render_links(kept) if "links" in with_ else None,
        images=render_images(kept) if "images" in with_ else None,
        word_count=word_count(body_text),
        credit=cleaned.credit,
        is_article=cleaned.is_article,
        cleaner=CleanerInfo(cleaned.cleaner, cleaned.version, cleaned.fallback_from),
        content_hash=content_hash(title, body_text),
    )
