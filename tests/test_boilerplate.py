"""The shared boilerplate families (`cleaners/boilerplate.py`), one case each, on a page of a site without
a cleaner (generic) and inside the text of a site cleaner's page (Devdiscourse): the block or paragraph
is gone from the body, and `explain` names the rule that removed it. Each case is written so that no
other rule catches it, so losing a family fails its own case."""

from __future__ import annotations

import pytest

from scraper import extract
from scraper.pipeline import analyse, build_article
from tests.support.samples import SAMPLES

GENERIC_URL = "https://gazette.example/news/2025/03/harbour-plan"
SITE_PAGE = SAMPLES / "devdiscourse.com" / "putin-thanks-kim-kursk.html"
SITE_URL = "https://www.devdiscourse.com/article/politics/3372594-north-korean-troops-role-in-kursk-putins-acknowledgment"
SITE_FIRST = "In a significant geopolitical development"  # the opening of its text
SITE_LAST = "as stated by President Putin."  # the end of its text
SITE_CREDIT = "<p>(With inputs from agencies.)</p>"
PARAS = [
    "The council approved the new harbour plan on Tuesday after a debate that lasted four hours.",
    "Under the plan, the old fish market becomes a public hall with room for two hundred stalls.",
    "Work starts in spring and should take eighteen months, the council's planning chief said.",
    "Ferry passengers will get a heated waiting room and a covered walkway to the quay by autumn.",
]


def generic_page(inside: str = "", after: str = "") -> str:
    """An article of a site without a cleaner: `inside` goes between its second and third paragraphs,
    `after` after its last one."""
    paras = [f"<p>{p}</p>" for p in PARAS]
    body = "".join(paras[:2]) + inside + "".join(paras[2:]) + after
    return f"""<!doctype html><html lang="en"><head><title>Council approves harbour plan | The Gazette</title>
<meta property="og:type" content="article"></head><body>
<main><article><h1>Council approves harbour plan</h1>{body}</article></main></body></html>"""


def site_page(inside: str = "", credit: str = SITE_CREDIT) -> str:
    """The Devdiscourse sample with `inside` after the first paragraph of its text and `credit` as its
    last paragraph."""
    html = SITE_PAGE.read_text("utf-8")
    assert SITE_CREDIT in html
    first_end = html.index("</p>", html.index('<section class="article-cont">')) + len("</p>")
    html = html[:first_end] + inside + html[first_end:]
    return html.replace(SITE_CREDIT, credit, 1)


# Blocks removed by markup: (markup, its text, the rule the generic cleaner names). Their text is
# worded so that no prompt pattern and no class/id wording rule would catch it.
BLOCKS = {
    "class newsletter": (
        "<div class='newsletter-box'><p>Fresh harbour figures land in your inbox each Friday.</p></div>",
        "Fresh harbour figures land in your inbox each Friday.",
        "selector [class*=newsletter]",
    ),
    "id newsletter": (
        "<div id='newsletter-slot-2'><p>Fresh harbour figures land in your inbox each Friday.</p></div>",
        "Fresh harbour figures land in your inbox each Friday.",
        "selector [id*=newsletter]",
    ),
    "id cookie-banner": (
        "<div id='cookie-banner'><p>This site stores small files on your device, fine by you?</p></div>",
        "This site stores small files on your device, fine by you?",
        "selector #cookie-banner",
    ),
    "class cookie-consent": (
        "<div class='x-cookie-consent-box'><p>This site stores small files on your device, fine?</p></div>",
        "This site stores small files on your device, fine?",
        "selector [class*=cookie-consent]",
    ),
    "id cookie-consent": (
        "<div id='x-cookie-consent-box'><p>This site stores small files on your device, fine?</p></div>",
        "This site stores small files on your device, fine?",
        "selector [id*=cookie-consent]",
    ),
    "class consent-banner": (
        "<div class='gdpr-consent-banner-x'><p>This site stores small files on your device, fine?</p></div>",
        "This site stores small files on your device, fine?",
        "selector [class*=consent-banner]",
    ),
    "class share-bar": (
        "<div class='story-share-bar'><p>Facebook, X, LinkedIn and e-mail buttons live here now.</p></div>",
        "Facebook, X, LinkedIn and e-mail buttons live here now.",
        "selector [class*=share-bar]",
    ),
    "class social-share": (
        "<div class='wp-social-share-x'><p>Facebook, X, LinkedIn and e-mail buttons live here now.</p></div>",
        "Facebook, X, LinkedIn and e-mail buttons live here now.",
        "selector [class*=social-share]",
    ),
    "class sharedaddy": (
        "<div class='sharedaddy'><p>Facebook, X, LinkedIn and e-mail buttons live here now.</p></div>",
        "Facebook, X, LinkedIn and e-mail buttons live here now.",
        "selector [class*=sharedaddy]",
    ),
    "class related-posts": (
        "<div class='yarpp-related-posts-x'><p>Harbour fees rise again for the island ferries</p></div>",
        "Harbour fees rise again for the island ferries",
        "selector [class*=related-posts]",
    ),
    "class jp-relatedposts": (
        "<div class='jp-relatedpostsx'><p>Harbour fees rise again for the island ferries</p></div>",
        "Harbour fees rise again for the island ferries",
        "selector [class*=jp-relatedposts]",
    ),
    "class wpcode": (
        "<div class='wpcode-snippet-x'><p>Readers like you keep this small newsroom going strong.</p></div>",
        "Readers like you keep this small newsroom going strong.",
        "selector [class*=wpcode]",
    ),
    "role dialog": (
        "<div role='dialog'><p>Readers like you keep this small newsroom going strong.</p></div>",
        "Readers like you keep this small newsroom going strong.",
        'selector [role="dialog"]',
    ),
    "role navigation": (
        "<div role='navigation'><p>Harbour, islands, ferries, weather and the council pages</p></div>",
        "Harbour, islands, ferries, weather and the council pages",
        'selector [role="navigation"]',
    ),
    "nav": (
        "<nav><p>Harbour, islands, ferries, weather and the council pages</p></nav>",
        "Harbour, islands, ferries, weather and the council pages",
        "selector nav",
    ),
    "form": (
        "<form><p>Your postcode tells us which island edition you read each week.</p></form>",
        "Your postcode tells us which island edition you read each week.",
        "selector form",
    ),
    "button": (
        "<button>Show the whole timetable for the winter sailings</button>",
        "Show the whole timetable for the winter sailings",
        "selector button",
    ),
    "select": (
        "<select><option>Northern islands edition of the weekly paper</option></select>",
        "Northern islands edition of the weekly paper",
        "selector select",
    ),
    "textarea": (
        "<textarea>Tell the newsroom what you think about the harbour plan</textarea>",
        "Tell the newsroom what you think about the harbour plan",
        "selector textarea",
    ),
}


@pytest.mark.parametrize("family", list(BLOCKS))
def test_block_family_on_a_generic_page(family: str) -> None:
    markup, text, rule = BLOCKS[family]
    _, cleaned = analyse(generic_page(inside=markup), GENERIC_URL)
    assert cleaned.cleaner == "generic"
    assert text not in "\n\n".join(cleaned.paragraphs)
    assert (rule, text) in cleaned.removed
    assert cleaned.paragraphs == PARAS


@pytest.mark.parametrize("family", list(BLOCKS))
def test_block_family_inside_a_site_cleaners_text(family: str) -> None:
    markup, text, _ = BLOCKS[family]
    article = extract(site_page(inside=markup), SITE_URL)
    assert article.cleaner.name == "devdiscourse"
    assert text not in article.body
    assert article.body.split("\n\n")[1].startswith(SITE_FIRST)
    assert article.body.endswith(SITE_LAST)


# Paragraphs removed by wording, one for each prompt pattern.
PROMPTS = {
    "wpcode thank you": "Thank you for reading this post, don't forget to subscribe!",
    "sign up for updates": (
        "Sign up now for our island edition: ferry times, council votes and the harbour newsletters"
    ),
    "click here": "Click here to read more.",
    "share": "Share this:",
    "follow us": "Follow us on Threads",
    "advertisement": "Advertisement",
    "more like this": "More like this",
    "ai image": "This image is AI-generated and does not depict any real-life event or location.",
    "read also": "Lesen Sie auch: Hafen bekommt eine neue Fähre",
    "subscribe": "Abonnez-vous pour recevoir nos alertes du port",
    "keep reading": "To continue reading, start a free trial of the Gazette today.",
    "read colon": "Mira: el puerto tendrá un nuevo ferry en invierno",
    "learn more": "En savoir plus",
    "copyright": "© 2025 The Gazette",
    "reading time": "Lesedauer: 4 Minuten",
    "minutes read": "4 min read",
    "picture credit": "Photo: Ana Ruiz",
    "report an error": "Found an error? Let us know",
    "comment": "Leave a comment",
    "sign in": "Create an account to keep reading the Gazette",
    "follow on a platform": "Follow us on WhatsApp for the latest news from the harbour and the islands",
    "channel": "Join our channel on Telegram for breaking news from the harbour",
    "app": "Download the Gazette app for iPhone and Android",
    "never miss": "Never miss a story about the islands: sign up for our alerts",
    "newsletter label": "Newsletter abonnieren",
    "comments": "View all comments",
    "table of contents": "Table of contents",
    "most read": "Most read this week",
    "more stories": "More stories from the Gazette:",
    "more on": "More on the harbour plan:",
    "rate the article": "Did you enjoy this article?",
    "ad label": "Anzeige",
    "contact": "Tips? Contact: newsdesk@gazette.example",
    "rights": "The Gazette 2025. All rights reserved.",
}


@pytest.mark.parametrize("family", list(PROMPTS))
def test_prompt_family_on_a_generic_page(family: str) -> None:
    prompt = PROMPTS[family]
    _, cleaned = analyse(generic_page(inside=f"<p>{prompt}</p>"), GENERIC_URL)
    assert cleaned.paragraphs == PARAS
    assert ("drop_text", prompt) in cleaned.removed


@pytest.mark.parametrize("family", list(PROMPTS))
def test_prompt_family_inside_a_site_cleaners_text(family: str) -> None:
    prompt = PROMPTS[family]
    _, cleaned = analyse(site_page(inside=f"<p>{prompt}</p>"), SITE_URL)
    assert cleaned.cleaner == "devdiscourse"
    assert prompt not in cleaned.paragraphs
    assert ("drop_text", prompt) in cleaned.removed
    assert cleaned.paragraphs[1].startswith(SITE_FIRST)
    assert cleaned.paragraphs[-1].endswith(SITE_LAST)  # the text goes on after the prompt


# Closing credit lines and sign-offs, and the credit each gives.
CREDITS = {
    "inputs": ("(With inputs from agencies.)", "With inputs from agencies"),
    "reporting in brackets": (
        "(Writing by Ana Ruiz; Editing by Tom Berg)",
        "Writing by Ana Ruiz; Editing by Tom Berg",
    ),
    "edited by": ("Edited by Bryan Betts", "Edited by Bryan Betts"),
    "not edited": (
        "(This story has not been edited by the desk and is auto-generated from a syndicated feed.)",
        "This story has not been edited by the desk and is auto-generated from a syndicated feed",
    ),
    "agency": ("(Reuters)", "Reuters"),
    "contributed": (
        "Ana Ruiz in Oslo contributed reporting to this story.",
        "Ana Ruiz in Oslo contributed reporting to this story",
    ),
    "with reporting": ("With additional reporting by Tom Berg", "With additional reporting by Tom Berg"),
    "source": ("Source: Harbour Authority", "Source: Harbour Authority"),
    "first published": (
        "This article was first published by the Island Post.",
        "This article was first published by the Island Post",
    ),
}


@pytest.mark.parametrize("family", list(CREDITS))
def test_credit_family_on_a_generic_page(family: str) -> None:
    line, credit = CREDITS[family]
    article = extract(generic_page(after=f"<p>{line}</p>"), GENERIC_URL)
    assert (article.body.split("\n\n"), article.credit) == (PARAS, credit)


@pytest.mark.parametrize("family", list(CREDITS))
def test_credit_family_closing_a_site_cleaners_text(family: str) -> None:
    line, credit = CREDITS[family]
    page, cleaned = analyse(site_page(credit=f"<p>{line}</p>"), SITE_URL)
    assert build_article(page, cleaned).credit == credit
    assert cleaned.paragraphs[-1].endswith(SITE_LAST)
    assert ("credit", line) in cleaned.removed


def test_several_closing_credits_are_kept_in_their_order() -> None:
    closing = "<p>(Writing by Ana Ruiz)</p><p>Edited by Tom Berg</p>"
    for page, url in ((generic_page(after=closing), GENERIC_URL), (site_page(credit=closing), SITE_URL)):
        assert extract(page, url).credit == "Writing by Ana Ruiz; Edited by Tom Berg"


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("WASHINGTON: ", "WASHINGTON"),
        ("LONDON (Reuters) - ", "LONDON"),
        ("ST. JOHN'S, Newfoundland — ", "ST. JOHN'S"),
        ("NEW DELHI, March 4 (PTI) – ", "NEW DELHI"),
        ("Officials said: ", None),  # not upper case: no dateline
        ("UN: ", None),  # too short to be a place
    ],
)
def test_dateline_opening_the_text(opening: str, dateline: str | None) -> None:
    page = generic_page().replace(f"<p>{PARAS[0]}", f"<p>{opening}{PARAS[0]}", 1)
    article = extract(page, GENERIC_URL)
    assert article.dateline == dateline
    assert article.body.startswith(opening.strip() + " " + PARAS[0])


def test_a_paragraph_printed_twice_in_a_row_is_read_once() -> None:
    """Desktop and mobile copies of a block follow each other: the text has it once, and goes on."""
    html = site_page()
    first = html.index("<p>", html.index('<section class="article-cont">'))
    copy = html[first : html.index("</p>", first) + len("</p>")]
    paragraphs = extract(html.replace(copy, copy * 2, 1), SITE_URL).body.split("\n\n")
    assert paragraphs == extract(html, SITE_URL).body.split("\n\n")
    assert paragraphs[1].startswith(SITE_FIRST) and paragraphs[-1].endswith(SITE_LAST)
