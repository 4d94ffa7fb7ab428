"""A news site served on 127.0.0.1 for the crawl tests and the crawl benchmark.

Generated article pages (realistic chrome: navigation, sidebar, related links, footer, JSON-LD, OpenGraph)
are listed in a Google News sitemap behind a sitemap index; the saved sample pages (`samples/<site>/*.html`)
are served under `/<their host><their path>` and listed in a gzipped sitemap, so their canonical URLs
still name their real site and the pipeline picks that site's cleaner. With `traps=True` the site also
has an RSS and an Atom feed and a section front with the pages a crawler must survive: a broken link, a
500 that recovers on retry, a slow page, a redirect chain, a robots.txt-disallowed path, a non-article
page, an AMP copy of an article (same canonical URL), and two articles whose first request fails: one
with a connection reset, one by stalling until the crawler gives up and asks again. With `compress=True`
its HTML pages are sent gzipped (`Content-Encoding: gzip`) to clients that accept it.
`tests/support/fault_site.py` adds a gate that holds article responses, for kills that must land mid-crawl.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.support.samples import sample_pages

_WORDS = (
    "government minister said officials talks security border economy prices report week people city "
    "council plans budget inflation market trade agreement region villagers police court water power "
    "election vote parliament leaders rights groups protest crisis health schools farmers harvest rains "
    "company workers union wages shares investors bank rate growth data exports port fuel costs energy "
    "project road bridge residents families children hospital doctors patients vaccine study scientists "
    "climate drought floods storm coast islands fishermen ferry officials statement spokesman agency"
).split()
_FIRST = ("Amina", "Lars", "Chen", "Maria", "Kofi")
_LAST = ("Okafor", "Berg", "Wei", "Silva")
_SECTIONS = ("world", "business", "politics", "science", "sport")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(12, 24))]
    return " ".join(words).capitalize() + "."


@dataclass
class Article:
    slug: str
    section: str
    title: str
    author: str
    published: str
    paragraphs: list[str]
    lastmod: str = ""

    @property
    def path(self) -> str:
        return f"/news/{self.section}/{self.slug}"


def make_article(number: int, day: datetime) -> Article:
    rng = random.Random(number)
    title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(6, 11))).capitalize()
    paragraphs = [
        " ".join(_sentence(rng) for _ in range(rng.randint(2, 5))) for _ in range(rng.randint(7, 13))
    ]
    published = (day + timedelta(minutes=number)).isoformat(timespec="seconds")
    return Article(
        slug=f"{title.lower().replace(' ', '-')[:60].strip('-')}-{number}",
        section=_SECTIONS[number % len(_SECTIONS)],
        title=title,
        author=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        published=published,
        paragraphs=paragraphs,
        lastmod=published,
    )


def _links(paths: list[tuple[str, str]], css: str) -> str:
    items = "".join(f'<li><a href="{p}">{html.escape(t)}</a></li>' for p, t in paths)
    return f'<ul class="{css}">{items}</ul>'


def _chrome(rng: random.Random) -> tuple[str, str, str]:
    """Header navigation, sidebar and footer: the boilerplate around every page."""
    nav = _links([(f"/section/{s}", s.title()) for s in _SECTIONS] + [("/about", "About us")], "nav")
    topics = [(f"/topics/{w}", w.title()) for w in rng.sample(_WORDS, 40)]
    menu = "".join(
        f'<div class="mega-menu" data-section="{s}">'
        + _links([(f"/section/{s}/{w}", w.title()) for w in rng.sample(_WORDS, 20)], "sub")
        + "</div>"
        for s in _SECTIONS
    )
    logo = '<a href="/" class="logo"><img src="/static/logo.svg" alt="The Local Ledger"></a>'
    header = f'<header class="site-header">{logo}{nav}{menu}{_links(topics, "topics")}</header>'
    most_read = [(f"/news/world/story-{rng.randint(1, 999)}", _sentence(rng)[:70]) for _ in range(10)]
    sidebar = (
        '<aside class="sidebar"><h3>Most read</h3>'
        f"{_links(most_read, 'most-read')}"
        "<div class='newsletter'>Sign up for our morning briefing</div></aside>"
    )
    teasers = "".join(
        f'<div class="teaser"><img src="/img/{rng.randint(1, 9999)}.jpg" alt="">'
        f'<a href="/news/world/more-{rng.randint(1, 999)}">{_sentence(rng)[:70]}</a>'
        f"<p>{_sentence(rng)}</p></div>"
        for _ in range(12)
    )
    sidebar += f'<section class="more-stories"><h3>More stories</h3>{teasers}</section>'
    corporate = [(f"/corporate/{w}", w.title()) for w in rng.sample(_WORDS, 30)]
    copyright = "<p>© 2026 The Local Ledger</p><div class='cookie-banner'>We use cookies. Accept all</div>"
    footer = f'<footer class="site-footer">{_links(corporate, "footer-links")}{copyright}</footer>'
    return header, sidebar, footer


def _assets(rng: random.Random) -> str:
    """The inline style and the ad/analytics configuration script that real pages carry in their head."""
    rules = "".join(f".c{i}{{margin:{i % 7}px;color:#{rng.randrange(16**6):06x}}}" for i in range(150))
    slots = [
        {"id": f"ad-{i}", "sizes": [[300, 250], [728, 90]], "targeting": rng.sample(_WORDS, 6)}
        for i in range(40)
    ]
    config = json.dumps({"site": "ledger", "slots": slots, "experiments": {w: rng.random() for w in _WORDS}})
    return f"<style>{rules}</style><script>window.__CONFIG__ = {config};</script>"


def article_html(article: Article, url: str) -> bytes:
    rng = random.Random(article.slug)
    header, sidebar, footer = _chrome(rng)
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published,
        "dateModified": article.lastmod,
        "author": {"@type": "Person", "name": article.author},
        "articleSection": article.section.title(),
    }
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    related = [
        (f"/news/{article.section}/related-{rng.randint(1, 999)}", _sentence(rng)[:60]) for _ in range(6)
    ]
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(article.title)} | The Local Ledger</title>
<link rel="canonical" href="{url}">
<meta property="og:type" content="article"><meta property="og:title" content="{html.escape(article.title)}">
<meta property="og:url" content="{url}"><meta property="og:site_name" content="The Local Ledger">
<meta property="article:published_time" content="{article.published}">
<script type="application/ld+json">{json.dumps(ld)}</script>
<script>window.dataLayer = [{{"page": "{article.slug}"}}];</script>{_assets(rng)}
</head><body>{header}
<main><article class="story"><h1>{html.escape(article.title)}</h1>
<div class="byline">By <a rel="author" href="/authors/{article.slug}">{article.author}</a>
<time datetime="{article.published}">{article.published[:10]}</time></div>
<div class="share">Share on Facebook Share on X Copy link</div>
<div class="story-body">{body}</div>
<section class="related"><h3>Related stories</h3>{_links(related, "related")}</section>
</article>{sidebar}</main>{footer}</body></html>"""
    return page.encode()


def _page(title: str, inner: str) -> bytes:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{inner}</body></html>".encode()


@dataclass
class Sample:
    path: str  # where the site serves it
    canonical: str
    is_article: bool
    cleaner: str  # the cleaner its expected JSON names
    html: bytes
    lastmod: str | None


def load_samples() -> list[Sample]:
    samples = []
    for page in sample_pages():
        expected = json.loads(page.with_suffix(".json").read_text("utf-8"))
        real = urlsplit(expected["url"])
        samples.append(
            Sample(
                path=f"/{real.hostname}{real.path}",
                canonical=expected["canonical_url"] or expected["url"],
                is_article=bool(expected["is_article"]),
                cleaner=expected["cleaner"]["name"],
                html=page.read_bytes(),
                lastmod=expected.get("modified") or expected.get("published"),
            )
        )
    return samples


RESET = 0  # a Response with this status is a connection reset (RST, no response at all)
# The crawl tests' download timeout: ten times the slow page's delay. The stalling page holds its first
# request until the retry arrives (at most STALL_LIMIT), so it outlasts any download timeout.
DOWNLOAD_TIMEOUT, SLOW, STALL_LIMIT = 5, 0.5, 120.0


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def sitemap_xml(root: str, items: str, namespaces: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
        f"{namespaces}>{items}</{root}>"
    ).encode()


class NewsSite:
    """The site's content, kept in memory and changeable while it is served (see `add`, `change`)."""

    def __init__(
        self,
        articles: int,
        *,
        traps: bool = True,
        samples: bool = True,
        slow: float = SLOW,
        compress: bool = False,
    ) -> None:
        self.day = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
        self.articles: dict[str, Article] = {}
        self.add(articles)
        self.featured = list(self.articles.values())[:8] if traps else []  # in the feeds and the section
        self.samples = load_samples() if samples else []
        self.traps = traps
        self.slow = slow
        self.compress = compress  # HTML gzipped (Content-Encoding) for clients that accept it
        self.hits: dict[str, int] = {}
        # Rendered pages by URL: rendering costs about 1 ms a page, CPU the crawl under test then lacks.
        self.pages: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.retried: dict[str, threading.Event] = {}  # the stalling pages' second requests
        self.base = ""  # set when served

    # -- what the tests change between crawls --
    def add(self, count: int) -> list[Article]:
        """New articles go into the news sitemap."""
        start = len(self.articles) + 1
        added = [make_article(n, self.day) for n in range(start, start + count)]
        self.articles.update((a.path, a) for a in added)
        return added

    def change(self, article: Article) -> None:
        article.paragraphs = [
            *article.paragraphs,
            "Update: officials said the figures were revised on Friday.",
        ]
        article.lastmod = datetime.now(UTC).isoformat(timespec="seconds")
        self.pages.pop(self.url(article.path), None)

    # -- what a crawl should find --
    def url(self, path: str) -> str:
        return self.base + path

    @property
    def sitemap_articles(self) -> list[Article]:
        return [a for a in self.articles.values() if a not in self.featured]

    def html_of(self, path: str) -> bytes:
        return self._respond(path).body

    # -- serving --
    def _respond(self, path: str) -> Response:
        with self.lock:
            hits = self.hits[path] = self.hits.get(path, 0) + 1
            retried = self.retried.setdefault(path, threading.Event())
        article = self.articles.get(path.removesuffix("/amp") if self.traps else path)
        if article and self.traps and hits == 1 and article in self.featured[5:7]:
            if article is self.featured[5]:
                return Response(RESET, b"")
            retried.wait(STALL_LIMIT)  # the crawler gave up on this request: its retry gets the page
        if hits == 2:
            retried.set()
        if article:
            url = self.url(article.path)
            if url not in self.pages:
                self.pages[url] = article_html(article, url)
            return Response(200, self.pages[url])
        for sample in self.samples:
            if path == sample.path:
                return Response(200, sample.html)
        if path == "/sitemap_index.xml":
            return Response(200, self._sitemap_index(), {"Content-Type": "application/xml"})
        if path == "/sitemaps/news.xml":
            return Response(200, self._news_sitemap(), {"Content-Type": "application/xml"})
        if path == "/sitemaps/samples.xml.gz":
            return Response(
                200, gzip.compress(self._samples_sitemap()), {"Content-Type": "application/x-gzip"}
            )
        if path == "/robots.txt":
            return Response(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"})
        if self.traps:
            return self._trap(path, hits)
        return Response(404, _page("Not found", "<h1>Not found</h1>"))

    def _trap(self, path: str, hits: int) -> Response:
        feed = self.featured
        if path == "/feed.rss":
            return Response(200, self._rss(feed[:3]), {"Content-Type": "application/rss+xml"})
        if path == "/atom.xml":
            return Response(200, self._atom(feed[3:5]), {"Content-Type": "application/atom+xml"})
        if path == "/news/old-link":
            return Response(301, b"", {"Location": "/news/moved-link"})
        if path == "/news/moved-link":
            return Response(302, b"", {"Location": feed[2].path})
        if path == feed[3].path + "/flaky" and hits == 1:
            return Response(500, _page("Error", "<h1>Internal error</h1>"), {"Retry-After": "1"})
        if path == feed[3].path + "/flaky":
            return Response(200, article_html(feed[3], self.url(feed[3].path)))
        if path == feed[4].path + "/slow":
            time.sleep(self.slow)
            return Response(200, article_html(feed[4], self.url(feed[4].path)))
        if path == "/section/world":
            return Response(200, self._section([*feed[5:7], feed[0]], "/section/world?page=2", extra=True))
        if path == "/section/world?page=2":
            return Response(200, self._section(feed[7:], None))
        if path == "/news/topics":
            topics = _links([(f"/news/topics/{w}", f"All stories about {w}") for w in _WORDS[:30]], "topics")
            return Response(200, _page("Topics", f"<h1>Topics</h1>{topics}"))
        if path.startswith("/private/"):
            return Response(200, article_html(feed[0], self.url(path)))
        return Response(404, _page("Not found", "<h1>Not found</h1>"))

    def _section(self, articles: list[Article], next_page: str | None, *, extra: bool = False) -> bytes:
        links = [(a.path, a.title) for a in articles]
        if extra:
            links += [
                (f"{articles[0].path}/amp", articles[0].title + " (AMP)"),
                ("/news/missing-story", "A story that was taken down"),
                ("/private/leaked-memo", "Leaked memo"),
                ("/news/topics", "All topics"),
                ("/about", "About us"),
            ]
        more = f'<a href="{next_page}">Next page</a>' if next_page else ""
        return _page("World", f"<h1>World</h1>{_links(links, 'stories')}{more}")

    def _sitemap_index(self) -> bytes:
        maps = ["/sitemaps/news.xml"] + (["/sitemaps/samples.xml.gz"] if self.samples else [])
        items = "".join(f"<sitemap><loc>{self.url(m)}</loc></sitemap>" for m in maps)
        return sitemap_xml("sitemapindex", items)

    def _news_sitemap(self) -> bytes:
        items = "".join(
            f"<url><loc>{self.url(a.path)}</loc><lastmod>{a.lastmod}</lastmod><news:news><news:publication>"
            f"<news:name>The Local Ledger</news:name><news:language>en</news:language></news:publication>"
            f"<news:publication_date>{a.published}</news:publication_date>"
            f"<news:title>{html.escape(a.title)}</news:title></news:news></url>"
            for a in self.sitemap_articles
        )
        return sitemap_xml("urlset", items, ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')

    def _samples_sitemap(self) -> bytes:
        items = "".join(
            f"<url><loc>{self.url(s.path)}</loc>"
            + (f"<lastmod>{s.lastmod}</lastmod>" if s.lastmod else "")
            + "</url>"
            for s in self.samples
        )
        return sitemap_xml("urlset", items)

    def _rss(self, articles: list[Article]) -> bytes:
        # The first item is reached through a tracking parameter, the last through a redirect chain.
        links = [
            self.url(articles[0].path) + "?utm_source=rss",
            self.url(articles[1].path),
            self.url("/news/old-link"),
        ]
        items = "".join(
            f"<item><title>{html.escape(a.title)}</title><link>{link}</link>"
            f"<pubDate>{format_datetime(datetime.fromisoformat(a.published))}</pubDate></item>"
            for a, link in zip(articles, links, strict=True)
        )
        channel = f"<channel><title>Ledger</title>{items}</channel>"
        return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()

    def _atom(self, articles: list[Article]) -> bytes:
        flaky, slow = articles
        entries = "".join(
            f'<entry><title>{html.escape(a.title)}</title><link rel="alternate" href="{self.url(path)}"/>'
            f"<updated>{a.lastmod}</updated></entry>"
            for a, path in ((flaky, flaky.path + "/flaky"), (slow, slow.path + "/slow"))
        )
        return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ledger</title>{entries}</feed>'.encode()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as real sites serve
    disable_nagle_algorithm = True  # else headers and body, sent apart, wait on delayed ACKs

    def do_GET(self) -> None:
        response = self.server.site._respond(self.path)
        if response.status == RESET:
            # Linger on, with a zero timeout: closing sends a RST instead of a FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        self.send_response(response.status)
        headers = {"Content-Type": "text/html; charset=utf-8", **response.headers}
        body = response.body
        html = headers["Content-Type"].startswith("text/html")
        if self.server.site.compress and html and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # http.server's backlog of 5 collapses under a crawler (stack notes)
    site: NewsSite


class Served:
    """`with Served(site) as base:` serves the site on a free port of 127.0.0.1 in a background thread."""

    def __init__(self, site: NewsSite) -> None:
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.site = site
        site.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.site = site

    def __enter__(self) -> str:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.site.base

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
