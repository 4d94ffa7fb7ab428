"""Pages built for the tests: small articles, an article among the boilerplate families, a page with a
given head."""

from __future__ import annotations

LEAD = "The council approved the new harbour plan on Tuesday after a debate that lasted four hours."
PARAS = [
    "Under the plan, the old fish market becomes a public hall with room for two hundred stalls.",
    "Work starts in spring and should take eighteen months, the council's planning chief said.",
]
QUOTE = "We waited twenty years for this, and now the whole waterfront can breathe again."
ITEMS = ["a covered market hall", "a ferry waiting room", "a new cycle path along the quay"]


def article_page(title: str, lead: str = "The council voted on the harbour plan", paragraphs: int = 6) -> str:
    """A small news page the generic cleaner reads as an article."""
    body = "".join(
        f"<p>{lead}, part {n}: the debate about costs, ferries and the winter timetable went on late.</p>"
        for n in range(paragraphs)
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title></head><body>'
        f'<nav><a href="/">Home</a> <a href="/news">News</a></nav>'
        f"<article><h1>{title}</h1>{body}</article><footer>Copyright 2026 Example News</footer></body></html>"
    )


def article_with_boilerplate(extra: str = "", url_title: str = "Council approves harbour plan") -> str:
    """An article with the boilerplate families that real pages put around and inside it."""
    teasers = "".join(f'<li><a href="/news/{i}">Story number {i} about the region</a></li>' for i in range(6))
    return f"""<!doctype html><html lang="en"><head><title>{url_title} | The Gazette</title>
<meta property="og:type" content="article"><meta property="og:site_name" content="The Gazette">
<meta property="article:published_time" content="2025-03-04T09:00:00+01:00"></head><body>
<div id="cookie-consent-banner">We use cookies to improve your experience. Accept all</div>
<nav><a href="/">Home</a><a href="/news">News</a></nav>
<article><h1>{url_title}</h1><p class="byline">By Ana Ruiz</p>
<p class="lead">{LEAD}</p>
<div class="share-tools"><a href="#">Share on Facebook</a><a href="#">Share on X</a></div>
<p>{PARAS[0]}</p><ul>{"".join(f"<li>{item}</li>" for item in ITEMS)}</ul>
<blockquote><p>{QUOTE}</p></blockquote>
<div class="signup-box"><p>Get the morning briefing in your inbox every day.</p></div>
<p>{PARAS[1]}</p>
<div class="related-articles"><h2>Related</h2><ul>{teasers}</ul></div>
<div class="author-bio">Ana Ruiz covers city hall and has written for the Gazette since 2011.</div>
</article>
<aside class="most-read"><h2>Most read</h2><ol>{teasers}</ol></aside>{extra}
<footer>© The Gazette</footer></body></html>"""


def page_with(head: str, body: str) -> str:
    """A page with this head, and this body before a short story."""
    story = "".join(f"<p>{text}</p>" for text in [LEAD, *PARAS])
    return f"<html><head>{head}</head><body>{body}<article>{story}</article></body></html>"


def slow_page(paragraphs: int = 200_000) -> bytes:
    """A page that takes seconds to clean (about 9 s for 200,000 paragraphs, 15 MB; about 4 s for
    100,000), where a page takes ~25 ms."""
    paragraph = "<p>The council voted on the harbour plan after a debate of four hours.</p>"
    return f"<html><body><h1>Endless</h1>{paragraph * paragraphs}</body></html>".encode()
