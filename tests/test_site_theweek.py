"""The Week specifics: the in-body promo and newsletter slices are dropped by markup in the samples; if a
variant renders them as plain paragraphs inside #article-body, their wording still keeps them out."""

from __future__ import annotations

from scraper.pipeline import analyse
from tests.support.samples import SAMPLES

PAGE = SAMPLES / "theweek.com" / "ukraine-captures-north-korean-soldiers.html"
PROMPTS = (
    "Subscribe to The Week",
    "Escape your echo chamber. Get the facts behind the news, plus analysis from multiple perspectives.",
    "Sign up for The Week's Free Newsletters",
    "From our morning news briefing to a weekly Good News Newsletter, get the best of The Week delivered "
    "directly to your inbox.",
    "Sign up for Today's Best Articles in your inbox",
    "A free daily email with the biggest news stories of the day – and the best features from TheWeek.com",
    "Create an account with the same email registered to your subscription to unlock access.",
    "You might also like",
)


def test_unclassed_prompts_inside_the_body_are_dropped_by_wording() -> None:
    html = PAGE.read_text("utf-8")
    anchor = '<h2 id="what-next-3">What next?</h2>'
    assert anchor in html
    html = html.replace(anchor, "".join(f"<div><p>{p}</p></div>" for p in PROMPTS) + anchor, 1)
    _, cleaned = analyse(html)
    assert cleaned.cleaner == "theweek"
    assert not set(PROMPTS) & set(cleaned.paragraphs)
    assert [text for rule, text in cleaned.removed if rule == "drop_text"] == list(PROMPTS)
    assert cleaned.paragraphs[-1].endswith("far outside Ukraine.")
