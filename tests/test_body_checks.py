"""The checks every body passes before it is emitted, on pages built here the way real pages fail:
no stylesheet or script source, no opening menu, not far shorter than the page's own evidence; real
articles are not judged fronts; stories appended below the article do not come with it; prompts
inside the text go, in every cleaner."""

from __future__ import annotations

import json

import pytest

from scraper import extract, invariants
from scraper.evidence import Evidence
from scraper.pipeline import analyse

URL = "https://coastnews.example/2026/03/04/storm-closes-ferry-routes"
TITLE = "Storm closes ferry routes to the outer islands"
STORY = [
    f"{lead} the storm that reached the coast on Tuesday night, the harbour office said in a statement "
    f"on Wednesday morning, and crews expect the {n} routes to reopen by the weekend at the earliest."
    for n, lead in enumerate(
        (
            "Ferries to the outer islands stopped running after",
            "Waves of up to seven metres were measured during",
            "Island schools closed their doors for the rest of the week because of",
            "The regional council opened two shelters on the mainland ahead of",
            "Fishermen moved their boats to the inner basin before",
            "Power lines on the northern island came down during",
            "The ferry operator offered refunds to passengers booked during",
            "Forecasters expect calmer weather once the tail of",
            "Supermarkets on the islands reported empty shelves two days into",
            "The coast guard said no one was hurt during",
        ),
        start=2,
    )
]


def page(body: str, head: str = "") -> str:
    return (
        f"<!doctype html><html lang='en'><head><title>{TITLE} | Coast News</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


def story_html(paras: list[str] = STORY) -> str:
    return "".join(f"<p>{para}</p>" for para in paras)


def test_stylesheet_and_script_text_never_reach_the_body() -> None:
    """A broken embed leaves a widget's CSS and its loader script as text inside the story."""
    css = ".promo-box{margin:0 auto;padding:12px;border:1px solid #ddd}.promo-box a:hover{color:#c00}"
    script = "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',1);"
    html = page(
        f"<article><h1>{TITLE}</h1>{story_html(STORY[:5])}<div class='embed'>{css}</div>"
        f"<p>{script}</p>{story_html(STORY[5:])}</article>"
    )
    article = extract(html, URL)
    assert article.body.split("\n\n") == STORY
    _, cleaned = analyse(html, URL)
    assert {rule for rule, _ in cleaned.removed} >= {"body check"}


MENU = "".join(f"<div class='item'><a href='/s/{n}'>Section {n}</a></div>" for n in range(40))
COMMENTS = "".join(
    f"<li class='reply'><p>Reader {n} wrote that the ferries should have kept running at least until "
    f"the evening, because many people on the islands depend on the last boat to get home from work "
    f"on the mainland, and nobody told them in time.</p></li>"
    for n in range(24)
)


def ad_slot_page(paras: list[str]) -> str:
    """The story's wrapper is named like an ad slot, and the readers' comments (in markup no rule
    names) outweigh it."""
    return page(
        f"<div class='topbar'>{MENU}</div><header><h1>{TITLE}</h1></header>"
        f"<div class='story adslot-container'>{story_html(paras)}</div><ol class='replies'>{COMMENTS}</ol>"
    )


def test_a_story_wrapped_like_an_ad_slot_is_kept() -> None:
    _, cleaned = analyse(ad_slot_page(STORY), URL)
    assert cleaned.cleaner == "generic"
    assert cleaned.paragraphs[: len(STORY)] == STORY


EVIDENCE = Evidence(says_article=True, structured_words=400, block_words=380)


@pytest.mark.parametrize(
    ("paragraphs", "is_article", "failure"),
    [
        (STORY, True, None),
        ([*STORY[:3], ".promo{margin:0 auto;padding:12px}.promo a:hover{color:#c00}"], True, "stylesheet"),
        (["Skip to content", *STORY], True, "skip links or a menu"),
        (["Home", "World", "Sport", "Weather", *STORY], True, "skip links or a menu"),
        (STORY[:3], True, "129 words, where the page promises 400"),
        ([], False, "no article, where the page says it has one"),
    ],
)
def test_the_checks_on_a_body(paragraphs: list[str], is_article: bool, failure: str | None) -> None:
    found = invariants.problem(paragraphs, is_article, EVIDENCE)
    assert found == failure if failure is None else failure in (found or "")


def test_an_independent_reading_wins_only_when_it_is_clean_and_fuller() -> None:
    short, menu = STORY[:3], ["Home", "World", "Sport", "Weather"]
    assert invariants.better(STORY, True, short, EVIDENCE)  # the whole story beats a third of it
    assert not invariants.better(STORY[:4], True, short, EVIDENCE)  # a paragraph more is no reason
    assert invariants.better(STORY[:3], True, menu + STORY[:3], EVIDENCE)  # as much, without the menu
    assert not invariants.better(menu + STORY, True, short, EVIDENCE)  # a reading must pass the checks
    assert not invariants.better(STORY, False, short, EVIDENCE)  # and be an article
    assert not invariants.better(STORY * 4, True, short, EVIDENCE)  # far beyond the promise: comments


def test_code_a_programming_article_shows_is_kept() -> None:
    code = "function add(a, b) { return a + b; } const total = add(2, 3); console.log(total);"
    html = page(f"<article><h1>{TITLE}</h1>{story_html(STORY[:4])}<pre><code>{code}</code></pre></article>")
    assert code in extract(html, URL).body


def test_the_body_does_not_open_with_skip_links_or_a_menu() -> None:
    menu = "".join(
        f"<div><a href='/{name.lower()}'>{name}</a></div>"
        for name in ("Home", "World", "Sport", "Weather", "Video")
    )
    html = page(
        f"<div class='page'><a href='#main'>Skip to content</a>{menu}<h1>{TITLE}</h1>{story_html()}</div>"
    )
    body = extract(html, URL).body
    assert body.startswith(STORY[0])


RELATED = "".join(
    f"<div class='card'><h3><a href='/2026/03/0{n % 9 + 1}/story-{n}'>"
    f"Another story about the islands number {n}</a></h3><p>A short summary of story {n}.</p></div>"
    for n in range(14)
)


@pytest.mark.parametrize(
    ("kind", "html"),
    [
        # A story with a long list of related stories (many linked headings) and no metadata.
        ("related list", page(f"<div class='main'><h1>{TITLE}</h1>{story_html()}</div><div>{RELATED}</div>")),
        # A blog post: a few paragraphs, a sidebar of recent posts as linked headings, no metadata.
        (
            "blog post",
            page(
                f"<div class='post'><h2>{TITLE}</h2><div class='entry'>{story_html(STORY[:4])}</div></div>"
                f"<div class='sidebar'>{RELATED}</div>"
            ),
        ),
        # A broadcaster's article page whose only structured data lists its videos and breadcrumbs.
        (
            "broadcaster",
            page(
                f"<main><h1>{TITLE}</h1>{story_html()}</main><section>{RELATED}</section>",
                head="<script type='application/ld+json'>"
                + json.dumps(
                    [
                        {"@type": "ItemList", "itemListElement": [{"@type": "VideoObject", "name": "Clip"}]},
                        {"@type": "BreadcrumbList", "itemListElement": []},
                    ]
                )
                + "</script>",
            ),
        ),
    ],
)
def test_a_real_article_is_not_judged_a_front(kind: str, html: str) -> None:
    article = extract(html, URL)
    assert article.is_article, kind
    assert STORY[0] in article.body and STORY[3] in article.body
    assert "Another story about the islands" not in article.body


NEXT_TITLE = "Council delays vote on new harbour fees until the spring"
NEXT = [
    "The council postponed its vote on harbour fees after fishermen filled the public gallery on Monday.",
    "A new date has not been set, the council's spokeswoman said after the session ended.",
]


@pytest.mark.parametrize(
    ("kind", "next_story"),
    [
        (
            "own address",
            f"<div class='stream-item' data-url='https://coastnews.example/2026/03/05/harbour-fees'>"
            f"<h2>{NEXT_TITLE}</h2>{story_html(NEXT)}</div>",
        ),
        ("second h1", f"<div class='stream-item'><h1>{NEXT_TITLE}</h1>{story_html(NEXT)}</div>"),
        (
            "plain block after the story",
            f"<div class='stream-item'><h2>{NEXT_TITLE}</h2>{story_html(NEXT)}</div>",
        ),
    ],
)
def test_a_story_appended_below_does_not_come_with_the_article(kind: str, next_story: str) -> None:
    html = page(
        f"<div class='stream'><div class='stream-item' data-url='{URL}'><h1>{TITLE}</h1>"
        f"<div class='text'>{story_html()}</div></div>{next_story}</div>",
        head="<meta property='og:type' content='article'>",
    )
    body = extract(html, URL).body
    assert body.split("\n\n") == STORY, kind


PROMPTS = [
    "Also readGlacier melt raises sea level fears for the islands",
    "Stay updated: Join the Coast News WhatsApp Channel",
    "Join Channel",
    "CLICK HERE TO GET THE COAST NEWS APP",
    "Related: Council delays vote on new harbour fees until the spring",
]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_inline_prompts_go_in_the_generic_cleaner(prompt: str) -> None:
    html = page(
        f"<article><h1>{TITLE}</h1>{story_html(STORY[:4])}<p>{prompt}</p>{story_html(STORY[4:])}</article>"
    )
    _, cleaned = analyse(html, URL)
    assert ("drop_text", prompt) in cleaned.removed
    assert extract(html, URL).body.split("\n\n") == STORY


def test_news_sentences_like_prompts_stay() -> None:
    sentences = [
        "Also reading the report, the minister said the ferries had been checked twice last year.",
        "Members of the crew joined a Telegram group used by the island families to share updates.",
        "Related reporting by the regional broadcaster suggested the warnings had come too late.",
    ]
    html = page(f"<article><h1>{TITLE}</h1>{story_html(STORY[:4] + sentences)}</article>")
    assert extract(html, URL).body.split("\n\n") == STORY[:4] + sentences


def test_an_agency_credit_glued_to_the_last_sentence_goes_to_credit() -> None:
    last = "The coast guard said no one was hurt during the storm."
    html = page(
        f"<article><h1>{TITLE}</h1>{story_html([*STORY[:4], last + '(NAN)(www.nannews.ng)'])}</article>"
    )
    article = extract(html, URL)
    assert article.body.endswith(last) and article.credit == "NAN"
