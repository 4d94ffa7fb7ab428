"""The Week, US edition (theweek.com): Future plc's "Vanilla" platform since about 2024.

No saved theweek.com HTML exists (see seed-sites.md, section 3); the Vanilla classes are verified on
sister sites (TechRadar, PC Gamer, Tom's Hardware) and in other scrapers' rules for them. The header
holds the h1, the byline and `p.strapline` (the standfirst, kept as the body's first paragraph).
`#article-body` holds the text AND in-body slices: the share/follow utility bar, ads, inline
"You might also like" asides, the Kiosq "Subscribe to The Week" promo and registration prompt, and two
newsletter forms (their strapline printed twice); these are dropped by markup and, should a variant
escape the selectors, by wording. The author bio and the "-" recirculation list sit outside it.
"""

from __future__ import annotations

from cleaners.base import Layout, Site, SiteCleaner

SITE = Site(
    "theweek",
    domains=("theweek.com",),
    start=(
        "https://theweek.com/feeds/all",  # platform default (Future's Vanilla feeds)
        "https://theweek.com/sitemap-news.xml",  # platform default (Google News sitemap)
    ),
    article=(r"^/[a-z-]+/[a-z0-9]+(?:-[a-z0-9]+)+$",),  # /{section}/{slug}
)

_ART = "article.news-article"

_DROP = (
    "#utility-bar",  # share / comments / follow / newsletter buttons with tooltips
    ".ad-unit",
    "#mid-article-leaderboard",
    "aside",  # inline recirculation ("You might also like"), hawk deal widgets, recirculation feeds
    "[id^=slice-container-newsletterForm]",  # "Sign up for The Week's Free Newsletters" forms
    "[id^=slice-container-kiosq]",  # "Subscribe to The Week" promo, registration wall
    "[class*=kiosq]",
    ".newsletter-signup",
    "[id^=slice-container-authorBio]",  # author bio ("Peter has worked as ...")
    ".slice-author-bio",
    "[id^=slice-container-person]",
    "#articleTag",  # TOPICS tag buttons
    "#affiliate-disclaimer",
    ".van_vid_carousel",
    ".remixd-audioplayer__container",
    "figure",  # in-body images; the hero caption is read before the drop
)

# The same prompts by wording, in case a slice renders without its container classes.
_DROP_TEXT = (
    r"^subscribe to the week$",
    r"^escape your echo chamber\. get the facts behind the news\b.*$",
    r"^sign up for (the week's free newsletters|today's best articles in your inbox)$",
    r"^from our morning news briefing to a weekly good news newsletter\b.*$",
    r"^a free daily email with the biggest news stories of the day\b.*$",
    r"^create an account with the same email registered to your subscription\b.*$",
    r"^(you might also like|you may like|what to read next)$",
)

CLEANER = SiteCleaner(
    SITE,
    layouts=(
        # Vanilla (2024-): header h1 + byline + strapline, section.content-wrapper > #article-body.
        Layout(
            version="2024",
            body=f"{_ART} #article-body",
            drop=_DROP,
            title=f"{_ART} header h1",
            lead=f"{_ART} header p.strapline",
            authors=f"{_ART} .byline a[rel=author]",
            published=f"{_ART} .byline time[datetime]",
            caption=f"{_ART} .hero-image-wrapper figcaption .caption-text",
            drop_text=_DROP_TEXT,
        ),
        # Pre-2017 theweek.com (FiveFilters rule, last changed 2016): body div.article-body.underline.
        # The 2020-2023 Polaris pages are a React app whose text lives in window.__APOLLO_STATE__ and
        # is left to the generic cleaner.
        Layout(
            version="2016",
            body="div.article-body.underline",
            drop=("aside", "figure", ".ad-unit"),
            title="h1",
            drop_text=_DROP_TEXT,
        ),
    ),
)
