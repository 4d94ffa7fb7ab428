"""The generic cleaner on pages generated here: it keeps the article (lead, lists, quotes), removes the
boilerplate families and says which rule removed what, and never takes a front, home or error page
for an article."""

from __future__ import annotations

import json

import pytest

from cleaners import generic
from scraper import explain, extract

LEAD = "The council approved the new harbour plan on Tuesday after a debate that lasted four hours."
PARAS = [
    "Under the plan, the old fish market becomes a public hall with room for two hundred stalls.",
    "Work starts in spring and should take eighteen months, the council's planning chief said.",
]
QUOTE = "We waited twenty years for this, and now the whole waterfront can breathe again."
ITEMS = ["a covered market hall", "a ferry waiting room", "a new cycle path along the quay"]


def article_page(extra: str = "", url_title: str = "Council approves harbour plan") -> str:
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


def test_keeps_lead_lists_and_quotes() -> None:
    article = extract(article_page(), "https://gazette.example/news/2025/03/harbour-plan")
    assert article.is_article
    for text in [LEAD, *PARAS, QUOTE, *ITEMS]:
        assert text in article.body
    assert article.body.startswith(LEAD)


def test_removes_boilerplate_families() -> None:
    body = extract(article_page(), "https://gazette.example/news/2025/03/harbour-plan").body
    for text in ("cookies", "Share on", "morning briefing", "Story number", "Most read", "since 2011", "©"):
        assert text not in body


def test_records_what_was_removed_and_why() -> None:
    _, cleaned = explain(article_page(), "https://gazette.example/news/2025/03/harbour-plan")
    rules = {rule: text for rule, text in cleaned.removed}
    assert "Get the morning briefing in your inbox every day." in rules["boilerplate class/id signup-box"]
    assert "since 2011" in rules["boilerplate class/id author-bio"]
    assert rules["selector nav"] == "Home News"
    assert rules["headline"] == "Council approves harbour plan"


def test_keeps_the_story_whatever_class_its_wrapper_has() -> None:
    """A wrapper named like a newsletter box, or a story hidden until a paywall script shows it, is
    the article when it holds the headline or most of the page's paragraph text, however much other
    text (a long footer here) the page has."""
    url = "https://gazette.example/news/2025/03/harbour-plan"
    sections = "".join(f"<li>Section {i} with the stories of the day and the weather</li>" for i in range(40))
    story = "".join(f"<p>{text}</p>" for text in [LEAD, *PARAS, QUOTE])
    wrapped = f"<div class='post-newsletter-wrap'><h1>Harbour plan</h1>{story}</div>"
    hidden = f"<h1>Harbour plan</h1><div hidden>{story}</div>"
    for inner in (wrapped, hidden):
        page = f"<html><body>{inner}<footer><ul>{sections}</ul></footer></body></html>"
        assert PARAS[1] in extract(page, url).body


def test_drops_next_story_appended_below() -> None:
    nxt = "<article><h1>Bridge closes for repairs</h1>" + "<p>The old bridge closes for a month.</p>" * 8
    article = extract(article_page(nxt + "</article>"), "https://gazette.example/news/2025/03/harbour-plan")
    assert LEAD in article.body
    assert "old bridge" not in article.body


def test_drops_a_sibling_story_appended_in_the_same_wrapper() -> None:
    """Infinite scroll puts the next story beside the article, in the wrapper they share; it has its own
    headline (an h2 here) and as much text as the article."""
    story = [
        "The old bridge over the canal closes for a month from Monday while its deck is replaced.",
        "Buses will take a detour through the market square, adding ten minutes to the journey.",
        "Engineers found rust in the supports last winter, and the council brought the work forward.",
    ]
    own = "".join(f"<p>{p}</p>" for p in [LEAD, *PARAS])
    nxt = "<article><h2>Bridge closes for repairs</h2>" + "".join(f"<p>{p}</p>" for p in story) + "</article>"
    page = (
        "<html><head><title>Council approves harbour plan | The Gazette</title></head><body>"
        f'<div class="stories"><article><h1>Council approves harbour plan</h1>{own}</article>{nxt}</div>'
        "</body></html>"
    )
    _, cleaned = explain(page, "https://gazette.example/news/2025/03/harbour-plan")
    assert cleaned.paragraphs == [LEAD, *PARAS]
    assert ("appended article", "Bridge closes for repairs " + " ".join(story)) in cleaned.removed


def _front(title: str) -> str:
    """A front: twenty teasers, each a linked headline, a one-line summary and a time."""
    teasers = "".join(
        f'<article class="card"><h3><a href="/news/{i}">Headline number {i} about the harbour and the'
        f" city</a></h3><p>Summary of story {i} in one short line.</p><span>{i} hours ago</span></article>"
        for i in range(20)
    )
    head = f"<html><head><title>{title}</title></head>"
    return f"{head}<body><main><h1>{title}</h1>{teasers}</main></body></html>"


def test_section_front_is_not_an_article() -> None:
    article = extract(_front("World news"), "https://gazette.example/world")
    assert not article.is_article
    assert article.body == ""


def test_home_page_is_not_an_article() -> None:
    assert not extract(_front("The Gazette"), "https://gazette.example/").is_article


def test_error_page_is_not_an_article() -> None:
    page = (
        "<html><head><title>Page not found | The Gazette</title></head><body><h1>Page not found</h1>"
        "<p>Sorry, the page you were looking for has moved or no longer exists on this site. Try the search "
        "box above, or go back to the front page to find the latest news from the city and the region.</p>"
        "</body></html>"
    )
    assert not extract(page, "https://gazette.example/news/missing-story").is_article


def test_menu_only_page_is_not_an_article() -> None:
    links = "".join(f'<li><a href="/s/{i}">Section {i}</a></li>' for i in range(40))
    page = f"<html><head><title>Sections</title></head><body><div><ul>{links}</ul></div></body></html>"
    assert not extract(page, "https://gazette.example/sections").is_article


def test_story_hidden_until_a_script_shows_it_is_kept() -> None:
    """Metered sites hide the whole story with CSS; a hidden block that is most of the page is kept."""
    story = "".join(f"<p>{text}</p>" for text in [LEAD, *PARAS])
    page = (
        "<html><head><title>Harbour plan</title><meta property='og:type' content='article'></head><body>"
        f"<h1>Harbour plan</h1><div style='display: none'>{story}</div>"
        "<div style='display:none'>Sign in to read more</div></body></html>"
    )
    body = extract(page, "https://gazette.example.com/news/harbour-plan").body
    assert LEAD in body and PARAS[1] in body
    assert "Sign in" not in body


def test_deeply_nested_page() -> None:
    """Real pages nest tens of thousands of levels deep: nothing may recurse or crash."""
    depth = 30_000
    inner = "".join(f"<p>{text}</p>" for text in [LEAD, *PARAS])
    page = f"<html><body>{'<div>' * depth}{inner}{'</div>' * depth}</body></html>"
    body = extract(page, "https://gazette.example.com/news/harbour-plan").body
    assert LEAD in body and PARAS[1] in body


def _page_with(head: str, body: str) -> str:
    story = "".join(f"<p>{text}</p>" for text in [LEAD, *PARAS])
    return f"<html><head>{head}</head><body>{body}<article>{story}</article></body></html>"


def test_title_is_the_visible_headline_without_site_name_or_kicker() -> None:
    head = "<title>Harbour: Council approves harbour plan – Gazette Online</title>"
    article = extract(_page_with(head, "<h1>Council approves harbour plan</h1>"), "https://gazette.com/a/1")
    assert article.title == "Council approves harbour plan"
    head = "<title>Council approves harbour plan | Gazette Online</title>"  # no h1, no og:site_name
    assert (
        extract(_page_with(head, ""), "https://www.gazetteonline.com/a/1").title
        == "Council approves harbour plan"
    )


def test_title_without_a_site_name_that_has_a_hyphen_in_a_word() -> None:
    ld = '{"@type": "NewsArticle", "headline": "Council approves harbour plan - Harbour-News.de"}'
    site = "<meta property='og:site_name' content='Harbour-News.de'>"
    head = f"<script type='application/ld+json'>{ld}</script>{site}"
    assert (
        extract(_page_with(head, ""), "https://harbour-news.de/a/1").title == "Council approves harbour plan"
    )


def test_title_leaves_out_the_kicker_set_in_the_headline() -> None:
    head = "<title>Harbour: Council approves harbour plan | Gazette</title>"
    h1 = (
        "<h1><span class='article-heading__kicker'>Harbour</span><span class='visually-hidden'>: </span>"
        "<span class='article-heading__title'>Council approves harbour plan</span></h1>"
    )
    assert extract(_page_with(head, h1), "https://gazette.com/a/1").title == "Council approves harbour plan"
    # The structured headline has the kicker; the publisher's og:title says the headline alone.
    headline = '{"@type": "NewsArticle", "headline": "Harbour: Council approves harbour plan"}'
    ld = f'<script type="application/ld+json">{headline}</script>'
    og = "<meta property='og:title' content='Council approves harbour plan'>"
    url = "https://gazette.com/a/1"
    assert extract(_page_with(ld + og, ""), url).title == "Council approves harbour plan"
    # Without another title saying so, a kicker-like prefix stays: it may be the headline's own.
    assert extract(_page_with(ld, ""), url).title == "Harbour: Council approves harbour plan"


def test_title_is_the_lone_h1_where_the_title_tag_words_it_otherwise() -> None:
    head = "<title>Harbour plan news: council vote, costs and timeline | Gazette</title>"
    body = "<h1>Council approves harbour plan</h1>"
    assert extract(_page_with(head, body), "https://gazette.com/a/1").title == "Council approves harbour plan"
    # With several h1s none is trusted over the title tag.
    body += "<h1>Most read today</h1>"
    title = extract(_page_with(head, body), "https://gazette.com/a/1").title
    assert title == "Harbour plan news: council vote, costs and timeline"


def test_author_from_byline_markup_without_its_prefix() -> None:
    head = "<title>Harbour plan</title><meta name='author' content='gazette.com'>"
    body = "<div class='post-meta'><span class='byline'>Posted by Jane Doe</span></div>"
    assert extract(_page_with(head, body), "https://gazette.com/a/1").authors == ["Jane Doe"]


@pytest.mark.parametrize("byline", ["Erstellt von Jane Doe", "Interview: Jane Doe", "Alles von Jane Doe"])
def test_author_prefixes_in_other_words(byline: str) -> None:
    body = f"<div class='post-meta'><span class='byline'>{byline}</span></div>"
    assert extract(_page_with("<title>Harbour plan</title>", body), "https://gazette.com/a/1").authors == [
        "Jane Doe"
    ]


def test_comment_authors_and_form_labels_are_not_the_author() -> None:
    comments = (
        "<div id='comments'><ol class='commentlist'><li><span class='comment-author'>wuff</span> says</li>"
        "</ol><form id='commentform'><p class='comment-form-author'><label>Name *</label></p></form></div>"
    )
    page = _page_with("<title>Harbour plan</title>", comments)
    assert extract(page, "https://gazette.com/a/1").authors == []
    byline = "<p class='author'>Jane Doe</p>"
    assert extract(
        _page_with("<title>Harbour plan</title>", byline + comments), "https://gazette.com/a/1"
    ).authors == ["Jane Doe"]
    # A page wrapped whole in a <form> (ASP.NET) still has its byline.
    wrapped = f"<form id='aspnetForm' method='post'>{byline}{comments}</form>"
    assert extract(_page_with("<title>Harbour plan</title>", wrapped), "https://gazette.com/a/1").authors == [
        "Jane Doe"
    ]


def test_date_is_the_publishers_day_from_the_url_when_utc_moved_it() -> None:
    published = "<meta property='article:published_time' content='2020-02-25T02:25:54+00:00'>"
    head = f"<title>Harbour plan</title>{published}"
    article = extract(_page_with(head, ""), "https://gazette.com/2020/02/24/harbour-plan/")
    assert article.published == "2020-02-24"


def test_date_from_the_url_when_the_markup_dates_something_else() -> None:
    head = "<title>Harbour plan</title><meta property='article:published_time' content='2009-04-11T18:06:36'>"
    article = extract(_page_with(head, ""), "https://gazette.com/2019/10/22/harbour-plan/")
    assert article.published == "2019-10-22"


def test_date_is_the_day_the_page_shows_when_utc_moved_it() -> None:
    head = (
        "<title>Harbour plan</title><meta property='article:published_time' content='2019-10-18T22:04:00Z'>"
    )
    url = "https://gazette.com/news/harbour-plan"
    shown = "<span class='article-date'>19. Oktober 2019, 00:04 Uhr</span>"
    assert extract(_page_with(head, shown), url).published == "2019-10-19"
    # Another story's date in a teaser link, or both days shown, are no evidence of a shift.
    teaser = "<a href='/news/other'><span class='date'>19.10.2019</span></a>"
    assert extract(_page_with(head, teaser), url).published == "2019-10-18T22:04:00+00:00"
    both = "<time>October 18, 2019</time><span class='date'>Updated 19.10.2019</span>"
    assert extract(_page_with(head, both + shown), url).published == "2019-10-18T22:04:00+00:00"
    # At noon UTC the day is the same from UTC-8 to UTC+9.
    noon = head.replace("22:04:00Z", "12:04:00Z")
    assert extract(_page_with(noon, shown), url).published == "2019-10-18T12:04:00+00:00"


def test_title_is_the_post_headline_not_the_blogs_name_in_its_h1() -> None:
    site = "<meta property='og:site_name' content=\"Kim's harbour diary\">"
    head = f"<title>Harbour plan approved at last | Kim's harbour diary</title>{site}"
    body = "<h1>Kim's harbour diary</h1><h2>Harbour plan approved at last</h2>"
    article = extract(_page_with(head, body), "https://kimsdiary.example.org/posts/1")
    assert article.title == "Harbour plan approved at last"


def test_undated_markup_takes_the_day_its_date_line_shows() -> None:
    head = "<title>Harbour plan</title><meta property='og:type' content='article'>"
    url = "https://gazette.com/news/harbour-plan"
    line = "<h1>Harbour plan</h1><div class='post-meta'>Posted on March 3, 2025 by Ana Ruiz</div>"
    assert extract(_page_with(head, line), url).published == "2025-03-03"
    # Without a date element, a dateline opening the lead; a teaser's date (in a link) is not read.
    teaser = "<a href='/news/other'><span class='date'>01.01.2024</span></a>"
    dateline = f"<p>04.03.2025 – {LEAD}</p>"
    assert extract(_page_with(head, teaser + dateline), url).published == "2025-03-04"


def test_a_page_with_more_text_than_any_article_is_read_without_trafilatura(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond a few MB of text trafilatura's time and memory run away (20 MB: 27 s, 1 GB); such a page
    is read paragraph by paragraph, every paragraph kept."""

    def refuse(*_: object, **__: object) -> str:
        raise AssertionError("trafilatura was given the huge page")

    monkeypatch.setattr(generic.trafilatura, "extract", refuse)
    count = generic._TRAFILATURA_MAX_CHARS // len(LEAD) + 10
    story = "".join(f"<p>{LEAD} ({n})</p>" for n in range(count))
    page = f"<html><head><title>Harbour plan</title></head><body><h1>Harbour plan</h1>{story}</body></html>"
    article = extract(page, "https://gazette.example/news/harbour-plan")
    assert article.is_article and f"{LEAD} ({count - 1})" in article.body


def test_date_lines_credits_and_prompts_around_the_story_are_not_body() -> None:
    furniture = [
        "Stand: 22.04.2024, 06:00 Uhr",
        "17:41 JST, October 13, 2024",
        "Lesedauer: 4 Minuten",
        "Foto: Berliner Feuerwehr",
        "Fehler gefunden? Jetzt melden.",
        "Would you like to comment on this article?",
        "Log in or create an account to continue",
        "Do you have a story to tell? Email: news@gazette.example",
        "Passer la publicité",
        "Read more: The ferry timetable for the summer",
        "LE PUEDE INTERESAR: El nuevo muelle abre en mayo",
        "Follow The Gazette on Twitter and Instagram @gazette and on Facebook @thegazette",
        "For the latest stories and breaking news updates download the Gazette apps for iPhone and Android.",
        "¿Ya sabías que tenemos canal de Telegram? Únete desde tu celular.",
        "Zum Newsletter anmelden",
        "View Comments",
        "Titelbild:",
    ]
    story = [
        LEAD,
        "The vote on 12 May 2024 was the council's first since the election.",
        "Follow the money, and you end up at the ferry company, whose shares rose on Facebook rumours.",
        "The channel on Telegram that leaked the plan was shut down by its owner on Monday.",
        *PARAS,
    ]
    paragraphs = "".join(f"<p>{text}</p>" for text in [*furniture[:4], *story, *furniture[4:]])
    head = "<title>Harbour plan</title><meta property='og:type' content='article'>"
    page = (
        f"<html><head>{head}</head><body><article><h1>Harbour plan</h1>{paragraphs}</article></body></html>"
    )
    url = "https://gazette.example/news/harbour-plan"
    article, (_, cleaned) = extract(page, url), explain(page, url)
    assert article.body.split("\n\n") == story
    assert ("date line", "Stand: 22.04.2024, 06:00 Uhr") in cleaned.removed


def test_a_byline_paragraph_is_not_body_and_a_closing_credit_goes_to_credit() -> None:
    story = [LEAD, "By the river, the old fish market becomes a public hall with room for stalls.", *PARAS]
    closing = "—Associated Press writer Tom Lee in Lisbon contributed to this report."
    paragraphs = "".join(f"<p>{text}</p>" for text in ["Von Ana Ruiz und Tom Lee", *story, closing])
    head = "<title>Harbour plan</title><meta property='og:type' content='article'>"
    page = (
        f"<html><head>{head}</head><body><article><h1>Harbour plan</h1>{paragraphs}</article></body></html>"
    )
    article = extract(page, "https://gazette.example/news/harbour-plan")
    assert article.body.split("\n\n") == story
    assert article.credit == "Associated Press writer Tom Lee in Lisbon contributed to this report"


def test_a_paragraph_that_is_a_link_to_another_story_is_a_teaser() -> None:
    teaser = "<p><a href='/news/ferries'>Harbour traffic doubles as the ferries return to the quay</a></p>"
    heading = "What the harbour plan costs the residents of the old town"
    contents = f"<ul><li><a href='#costs'>{heading}</a></li></ul>"
    source = (
        "<p><a href='https://stats.example.org/r'>The statistics office's report on harbour traffic</a></p>"
    )
    story = f"<p>{LEAD}</p>{teaser}<p>{PARAS[0]}</p>{source}<h2 id='costs'>{heading}</h2><p>{PARAS[1]}</p>"
    head = "<title>Harbour plan</title><meta property='og:type' content='article'>"
    article = f"<article><h1>Harbour plan</h1>{contents}{story}</article>"
    body = extract(
        f"<html><head>{head}</head><body>{article}</body></html>", "https://gazette.example/news/p"
    ).body
    assert "ferries return" not in body
    for kept in (LEAD, heading, PARAS[1], "The statistics office's report"):
        assert kept in body


def test_a_story_that_a_script_renders_is_read_from_the_page_data() -> None:
    """The markup holds a shell; the story is an HTML string in the page's state data (`__NEXT_DATA__`)."""
    story = [LEAD, *PARAS, QUOTE]
    state = {
        "props": {"article": {"title": "Harbour plan", "contentHtml": "".join(f"<p>{p}</p>" for p in story)}}
    }
    script = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}</script>'
    head = "<title>Harbour plan</title><meta property='og:type' content='article'>"
    shell = "<div id='root'><h1>Harbour plan</h1><p>Loading…</p></div>"
    page = f"<html><head>{head}</head><body>{shell}{script}</body></html>"
    assert extract(page, "https://gazette.example/news/harbour-plan").body.split("\n\n") == story


DEK = "The harbour plan passed after four hours, and the old fish market will become a public hall."


def header_page(dek_attrs: str, description: str = "", more: str = "") -> str:
    """A story whose summary sits in the page header, apart from the text (where trafilatura skips it)."""
    text = "".join(f"<p>{para} {para}</p>" for para in [LEAD, *PARAS, QUOTE])
    return f"""<!doctype html><html lang="en"><head><title>Council approves harbour plan</title>
<meta property="og:type" content="article"><meta name="description" content="{description}"></head>
<body><main><div class="article-header"><div class="container"><span class="kicker">City</span>
<h1>Council approves harbour plan</h1>{more}<div {dek_attrs}>{DEK}</div>
<div class="meta">By Ana Ruiz, 4 March 2025</div></div></div>
<div class="article-body"><div class="content">{text}</div></div></main></body></html>"""


@pytest.mark.parametrize(
    ("attrs", "description"),
    [
        ('class="meta-block"', DEK),  # said by the description
        ('class="meta-block"', DEK[:70] + "…"),  # a description cut short
        ('class="article__standfirst"', ""),  # named by its class
        ('class="c-dek"', "Another summary, written for search engines, longer than forty characters."),
    ],
)
def test_standfirst_above_the_text_is_the_first_paragraph(attrs: str, description: str) -> None:
    article = extract(header_page(attrs, description), "https://gazette.example/news/harbour-plan")
    assert article.body.startswith(DEK + "\n\n" + LEAD)
    assert article.body.count(DEK) == 1


def test_standfirst_is_not_a_caption_or_a_teaser() -> None:
    caption = (
        '<figure class="lead-media"><img src="/a.jpg">'
        "<figcaption>The quay at dawn, seen from the ferry terminal.</figcaption></figure>"
    )
    teaser = (
        '<div class="teaser-text">How the ferry timetable changes this spring <a href="/f">more</a></div>'
    )
    body = extract(
        header_page('class="meta-block"', "", caption + teaser), "https://gazette.example/news/h"
    ).body
    assert "quay at dawn" not in body and "ferry timetable" not in body
    assert DEK not in body  # neither said by the description nor named as a standfirst


def test_a_story_shown_only_without_scripts_is_read_from_noscript() -> None:
    """Blogger-style pages render the post from a script template and show it in <noscript> too."""
    story = "".join(f"<p>{para}</p>" for para in [LEAD, *PARAS, QUOTE])
    labels = "".join(f'<li><a href="/search/label/{n}">label {n}</a></li>' for n in range(30))
    page = f"""<html><head><title>Harbour plan</title></head><body>
<div class="header-desc">The latest news and insights from the city council on the harbour</div>
<div class="post"><h2 class="title">Harbour plan</h2><div class="post-body">
<script type="text/template">{story}</script><noscript>{story}</noscript></div></div>
<div class="sidebar"><h2>Labels</h2><ul>{labels}</ul><noscript><p>Please enable JavaScript.</p></noscript>
</div></body></html>"""
    article = extract(page, "https://gazette.example/2025/03/harbour-plan.html")
    assert article.body.split("\n\n") == [LEAD, *PARAS, QUOTE]


def test_a_tagline_above_the_headline_or_the_headline_itself_is_not_a_standfirst() -> None:
    tagline = "The latest news and insights from the city council on the harbour and the quay"
    page = header_page('class="meta-block"', tagline).replace(
        "<main>", f'<main><div class="site-header"><div class="header-desc">{tagline}</div></div>'
    )
    assert tagline not in extract(page, "https://gazette.example/news/harbour-plan").body
    headline = "Council approves harbour plan after four hours of debate"
    page = header_page('class="meta-block"', headline).replace(
        "Council approves harbour plan</h1>", f"{headline}</h1>"
    )
    assert not extract(page, "https://gazette.example/news/harbour-plan").body.startswith(headline)
