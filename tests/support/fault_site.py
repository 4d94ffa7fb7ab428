"""The local test news site with the faults of issue #12 (`tests/support/news_site.py` is the site itself):
sitemaps a crawler misread or failed on silently, pages that are not HTML, a windows-1252 page without a
charset, and a gate that holds article responses so a test can kill or restart something mid-crawl.

Routes, each a start URL of its own:
- `/wp-sitemap.xml`: WordPress's sitemap index, with `<?xml-stylesheet?>`, whose child lists articles;
  `/rss091.xml`: an RSS 0.91 feed with its DOCTYPE.
- `/faults/bomb.xml.gz`: a gzipped sitemap (no Content-Encoding) inflating past SITEMAP_MAXSIZE.
- `/faults/loop.xml`: a sitemap with an article and a URL that redirects back to itself through another.
- `/faults/broken-index.xml`: a sitemap index whose second child always answers 503.
- `/faults/media.xml`: a sitemap listing an article, a PDF, a JPEG and a windows-1252 page (no charset).
"""

from __future__ import annotations

import gzip
import html
import threading
from typing import Any

from tests.support.news_site import Article, NewsSite, Response, sitemap_xml

STYLESHEET = '<?xml-stylesheet type="text/xsl" href="/wp-sitemap-index.xsl"?>\n'
# The words, and enough French news text for the page to read as an article.
FRENCH = [
    "Au café du village, on commande une crème brûlée et on parle d'une idée naïve.",
    "Le gouvernement a annoncé mercredi une série de mesures destinées à soutenir les agriculteurs "
    "touchés par la sécheresse, après une réunion à l'Élysée.",
    "Selon le ministre, les aides seront versées dès la fin du mois. « Nous ne laisserons personne de "
    "côté », a-t-il déclaré devant la presse à Besançon.",
    "Les syndicats jugent toutefois ces mesures insuffisantes et réclament un plan plus ambitieux pour "
    "l'été prochain, notamment pour les éleveurs de la région.",
    "Dans les vallées, les rivières n'ont jamais été aussi basses depuis trente ans, et les préfectures "
    "ont déjà restreint l'arrosage des jardins et le lavage des voitures.",
]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(200)


def cp1252_page(url: str) -> bytes:
    """A French article in windows-1252, with no charset in the page or its HTTP header."""
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in FRENCH)
    page = (
        "<!DOCTYPE html><html><head><title>Sécheresse : des aides pour les agriculteurs</title>"
        f'<link rel="canonical" href="{url}"><meta property="og:type" content="article"></head>'
        "<body><article><h1>Sécheresse : des aides pour les agriculteurs</h1>"
        f"{paragraphs}</article></body></html>"
    )
    return page.encode("cp1252")


def _urlset(urls: list[str]) -> bytes:
    return sitemap_xml("urlset", "".join(f"<url><loc>{u}</loc></url>" for u in urls))


class FaultSite(NewsSite):
    """The test site plus the fault routes; `hold(after)` blocks article responses past the first
    `after` until `release()` (or until the site stops being served)."""

    def __init__(self, articles: int, **kwargs: Any) -> None:
        super().__init__(articles, **kwargs)
        self.gate: threading.Event | None = None
        self.hold_after = 0
        self.articles_served = 0
        self.waiting = 0  # article requests blocked at the gate now

    def hold(self, after: int) -> None:
        self.gate, self.hold_after, self.articles_served = threading.Event(), after, 0

    def release(self) -> None:
        if self.gate:
            self.gate.set()

    @property
    def wp_articles(self) -> list[Article]:
        return list(self.articles.values())[: len(self.articles) // 2]

    @property
    def rss_articles(self) -> list[Article]:
        return list(self.articles.values())[len(self.articles) // 2 :]

    def _respond(self, path: str) -> Response:
        fault = self._fault(path)
        if fault is not None:
            return fault
        if path in self.articles and self.gate is not None:
            with self.lock:
                self.articles_served += 1
                held = self.articles_served > self.hold_after
                self.waiting += held
            if held:
                self.gate.wait(120)
                with self.lock:
                    self.waiting -= 1
        return super()._respond(path)

    def _fault(self, path: str) -> Response | None:
        xml = {"Content-Type": "application/xml"}
        if path == "/wp-sitemap.xml":
            index = sitemap_xml(
                "sitemapindex", f"<sitemap><loc>{self.url('/wp-sitemap-posts-post-1.xml')}</loc></sitemap>"
            )
            return Response(200, index.replace(b"?>\n", b"?>\n" + STYLESHEET.encode(), 1), xml)
        if path == "/wp-sitemap-posts-post-1.xml":
            urlset = _urlset([self.url(a.path) for a in self.wp_articles])
            return Response(200, urlset.replace(b"?>\n", b"?>\n" + STYLESHEET.encode(), 1), xml)
        if path == "/rss091.xml":
            items = "".join(
                f"<item><title>{html.escape(a.title)}</title><link>{self.url(a.path)}</link></item>"
                for a in self.rss_articles
            )
            doctype = (
                '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
                '"http://my.netscape.com/publish/formats/rss-0.91.dtd">'
            )
            feed = f'<?xml version="1.0"?>\n{doctype}\n<rss version="0.91"><channel>{items}</channel></rss>'
            return Response(200, feed.encode(), {"Content-Type": "application/rss+xml"})
        if path == "/faults/bomb.xml.gz":  # 20 MB of XML in 20 KB: past a SITEMAP_MAXSIZE of 1 MB
            bomb = gzip.compress(_urlset([]).replace(b"<urlset", b"<urlset" + b" " * 20_000_000, 1))
            return Response(200, bomb, {"Content-Type": "application/octet-stream"})
        if path == "/faults/loop.xml":
            first = next(iter(self.articles.values()))
            return Response(200, _urlset([self.url(first.path), self.url("/news/loop-a")]), xml)
        if path in ("/news/loop-a", "/news/loop-b"):
            return Response(302, b"", {"Location": "/news/loop-b" if path.endswith("a") else "/news/loop-a"})
        if path == "/faults/broken-index.xml":
            children = ("/sitemaps/news.xml", "/faults/broken.xml")
            items = "".join(f"<sitemap><loc>{self.url(c)}</loc></sitemap>" for c in children)
            return Response(200, sitemap_xml("sitemapindex", items), xml)
        if path == "/faults/broken.xml":
            return Response(503, b"<h1>Service unavailable</h1>")
        if path == "/faults/media.xml":
            first = next(iter(self.articles.values()))
            listed = [first.path, "/files/report.pdf", "/img/photo.jpg", "/fr/secheresse"]
            return Response(200, _urlset([self.url(p) for p in listed]), xml)
        if path == "/files/report.pdf":
            return Response(200, PDF, {"Content-Type": "application/pdf"})
        if path == "/img/photo.jpg":
            return Response(200, JPEG, {"Content-Type": "image/jpeg"})
        if path == "/fr/secheresse":
            return Response(200, cp1252_page(self.url(path)), {"Content-Type": "text/html"})
        return None
