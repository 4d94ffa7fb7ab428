"""The generic cleaner on pages generated here: it keeps the article (lead, lists, quotes), removes the
boilerplate families and says which rule removed what, and never takes a front, home or error page
for an article."""

from __future__ import annotations

import json

import pytest

from cleaners import generic
from scraper import extract
from scraper.pipeline import analyse
from tests.support.pages import ITEMS, LEAD, PARAS, QUOTE, article_with_boilerplate


def test_keeps_lead_lists_and_quotes() -> None:
    article = extract(article_with_boilerplate(), "https://gazette.example/news/2025/03/harbour-plan")
    assert article.is_article
    for text in [LEAD, *PARAS, QUOTE, *ITEMS]:
        assert text in article.body
    assert article.body.startswith(LEAD)


def test_removes_boilerplate_families() -> None:
    body = extract(article_with_boilerplate(), "https://gazette.example/news/2025/03/harbour-plan").body
    for text in ("cookies", "Share on", "morning briefing", "Story number", "Most read", "since 2011", "©"):
        assert text not in body


def test_records_what_was_removed_and_why() -> None:
    _, cleaned = analyse(article_with_boilerplate(), "https://gazette.example/news/2025/03/harbour-plan")
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
    article = extract(
        article_with_boilerplate(nxt + "</article>"), "https://gazette.example/news/2025/03/harbour-plan"
    )
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
    _, cleaned = analyse(page, "https://gazette.example/news/2025/03/harbour-plan")
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
    article, (_, cleaned) = extract(page, url), analyse(page, url)
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


@pytest.mark.parametrize(
    ("markup", "opening"),
    [
        ('<p><span class="dropcap">N</span>\n    a endlich! {rest}</p>', "Na endlich!"),
        ('<div class="article-initial">N</div>\n<p class="first">a endlich! {rest}</p>', "Na endlich!"),
        (
            '<p><span style="float:left;font-size:4em">Ö</span> sterreich wählt. {rest}</p>',
            "Österreich wählt.",
        ),
        # A capital that is a word keeps its space; a letter inside a sentence is no drop cap.
        ('<p><span class="drop-cap">A</span> harbour opens. {rest}</p>', "A harbour opens."),
        ('<p>Vitamin <span class="big-letter">C</span> and iron. {rest}</p>', "Vitamin C and iron."),
    ],
)
def test_a_drop_cap_stays_in_the_word_it_begins(markup: str, opening: str) -> None:
    rest = "The council approved the new harbour plan on Tuesday after a long debate about the costs."
    paragraphs = "".join(
        f"<p>{rest} Paragraph {n} adds more on the ferries and the timetable.</p>" for n in range(5)
    )
    html = (
        "<html><head><title>Harbour plan approved</title></head><body><article><h1>Harbour plan approved</h1>"
        f"{markup.format(rest=rest)}{paragraphs}</article></body></html>"
    )
    article = extract(html, "https://gazette.com/2024/05/harbour-plan")
    assert article.body.startswith(f"{opening} {rest}"), article.body[:80]


def test_summary_bullets_are_printed_once_first() -> None:
    bullets = [
        "The old fish market becomes a public hall with room for two hundred stalls",
        "Work starts in spring and should take eighteen months to finish",
    ]
    highlights = "".join(f"<li>{bullet}</li>" for bullet in bullets)
    # The story repeats the second bullet word for word, and holds the first within a longer paragraph.
    text = [LEAD, f"{bullets[0]}, the planning chief said on Tuesday.", *PARAS, f"{bullets[1]}.", QUOTE]
    page = f"""<!doctype html><html lang="en"><head><title>Council approves harbour plan</title>
<meta property="og:type" content="article"></head><body><main><div class="article-header">
<h1>Council approves harbour plan</h1><ul class="article-highlights">{highlights}</ul></div>
<div class="article-body">{"".join(f"<p>{para}</p>" for para in text)}</div></main></body></html>"""
    article = extract(page, "https://gazette.example/news/harbour-plan")
    assert article.body.split("\n\n") == [*bullets, *text[:-2], QUOTE]
