"""Page metadata, read through `extract` on pages generated here: the title (the visible headline
without the site's name or a kicker), the authors (from the byline, without its prefix, not from the
comments) and the publication date (the publisher's day, from the URL or the date line shown)."""

from __future__ import annotations

import json

import pytest

from scraper import extract
from scraper.pipeline import parse
from tests.support.pages import LEAD, page_with


def test_title_is_the_visible_headline_without_site_name_or_kicker() -> None:
    head = "<title>Harbour: Council approves harbour plan – Gazette Online</title>"
    article = extract(page_with(head, "<h1>Council approves harbour plan</h1>"), "https://gazette.com/a/1")
    assert article.title == "Council approves harbour plan"
    head = "<title>Council approves harbour plan | Gazette Online</title>"  # no h1, no og:site_name
    assert (
        extract(page_with(head, ""), "https://www.gazetteonline.com/a/1").title
        == "Council approves harbour plan"
    )


def test_title_without_a_site_name_that_has_a_hyphen_in_a_word() -> None:
    ld = '{"@type": "NewsArticle", "headline": "Council approves harbour plan - Harbour-News.de"}'
    site = "<meta property='og:site_name' content='Harbour-News.de'>"
    head = f"<script type='application/ld+json'>{ld}</script>{site}"
    assert (
        extract(page_with(head, ""), "https://harbour-news.de/a/1").title == "Council approves harbour plan"
    )


def test_title_leaves_out_the_kicker_set_in_the_headline() -> None:
    head = "<title>Harbour: Council approves harbour plan | Gazette</title>"
    h1 = (
        "<h1><span class='article-heading__kicker'>Harbour</span><span class='visually-hidden'>: </span>"
        "<span class='article-heading__title'>Council approves harbour plan</span></h1>"
    )
    assert extract(page_with(head, h1), "https://gazette.com/a/1").title == "Council approves harbour plan"
    # The structured headline has the kicker; the publisher's og:title says the headline alone.
    headline = '{"@type": "NewsArticle", "headline": "Harbour: Council approves harbour plan"}'
    ld = f'<script type="application/ld+json">{headline}</script>'
    og = "<meta property='og:title' content='Council approves harbour plan'>"
    url = "https://gazette.com/a/1"
    assert extract(page_with(ld + og, ""), url).title == "Council approves harbour plan"
    # Without another title saying so, a kicker-like prefix stays: it may be the headline's own.
    assert extract(page_with(ld, ""), url).title == "Harbour: Council approves harbour plan"


def test_title_is_the_lone_h1_where_the_title_tag_words_it_otherwise() -> None:
    head = "<title>Harbour plan news: council vote, costs and timeline | Gazette</title>"
    body = "<h1>Council approves harbour plan</h1>"
    assert extract(page_with(head, body), "https://gazette.com/a/1").title == "Council approves harbour plan"
    # With several h1s none is trusted over the title tag.
    body += "<h1>Most read today</h1>"
    title = extract(page_with(head, body), "https://gazette.com/a/1").title
    assert title == "Harbour plan news: council vote, costs and timeline"


def test_author_from_byline_markup_without_its_prefix() -> None:
    head = "<title>Harbour plan</title><meta name='author' content='gazette.com'>"
    body = "<div class='post-meta'><span class='byline'>Posted by Jane Doe</span></div>"
    assert extract(page_with(head, body), "https://gazette.com/a/1").authors == ["Jane Doe"]


@pytest.mark.parametrize("byline", ["Erstellt von Jane Doe", "Interview: Jane Doe", "Alles von Jane Doe"])
def test_author_prefixes_in_other_words(byline: str) -> None:
    body = f"<div class='post-meta'><span class='byline'>{byline}</span></div>"
    assert extract(page_with("<title>Harbour plan</title>", body), "https://gazette.com/a/1").authors == [
        "Jane Doe"
    ]


def test_comment_authors_and_form_labels_are_not_the_author() -> None:
    comments = (
        "<div id='comments'><ol class='commentlist'><li><span class='comment-author'>wuff</span> says</li>"
        "</ol><form id='commentform'><p class='comment-form-author'><label>Name *</label></p></form></div>"
    )
    page = page_with("<title>Harbour plan</title>", comments)
    assert extract(page, "https://gazette.com/a/1").authors == []
    byline = "<p class='author'>Jane Doe</p>"
    assert extract(
        page_with("<title>Harbour plan</title>", byline + comments), "https://gazette.com/a/1"
    ).authors == ["Jane Doe"]
    # A page wrapped whole in a <form> (ASP.NET) still has its byline.
    wrapped = f"<form id='aspnetForm' method='post'>{byline}{comments}</form>"
    assert extract(page_with("<title>Harbour plan</title>", wrapped), "https://gazette.com/a/1").authors == [
        "Jane Doe"
    ]


def test_date_is_the_publishers_day_from_the_url_when_utc_moved_it() -> None:
    published = "<meta property='article:published_time' content='2020-02-25T02:25:54+00:00'>"
    head = f"<title>Harbour plan</title>{published}"
    article = extract(page_with(head, ""), "https://gazette.com/2020/02/24/harbour-plan/")
    assert article.published == "2020-02-24"


def test_date_from_the_url_when_the_markup_dates_something_else() -> None:
    head = "<title>Harbour plan</title><meta property='article:published_time' content='2009-04-11T18:06:36'>"
    article = extract(page_with(head, ""), "https://gazette.com/2019/10/22/harbour-plan/")
    assert article.published == "2019-10-22"


def test_date_is_the_day_the_page_shows_when_utc_moved_it() -> None:
    head = (
        "<title>Harbour plan</title><meta property='article:published_time' content='2019-10-18T22:04:00Z'>"
    )
    url = "https://gazette.com/news/harbour-plan"
    shown = "<span class='article-date'>19. Oktober 2019, 00:04 Uhr</span>"
    assert extract(page_with(head, shown), url).published == "2019-10-19"
    # Another story's date in a teaser link, or both days shown, are no evidence of a shift.
    teaser = "<a href='/news/other'><span class='date'>19.10.2019</span></a>"
    assert extract(page_with(head, teaser), url).published == "2019-10-18T22:04:00+00:00"
    both = "<time>October 18, 2019</time><span class='date'>Updated 19.10.2019</span>"
    assert extract(page_with(head, both + shown), url).published == "2019-10-18T22:04:00+00:00"
    # At noon UTC the day is the same from UTC-8 to UTC+9.
    noon = head.replace("22:04:00Z", "12:04:00Z")
    assert extract(page_with(noon, shown), url).published == "2019-10-18T12:04:00+00:00"


def test_title_is_the_post_headline_not_the_blogs_name_in_its_h1() -> None:
    site = "<meta property='og:site_name' content=\"Kim's harbour diary\">"
    head = f"<title>Harbour plan approved at last | Kim's harbour diary</title>{site}"
    body = "<h1>Kim's harbour diary</h1><h2>Harbour plan approved at last</h2>"
    article = extract(page_with(head, body), "https://kimsdiary.example.org/posts/1")
    assert article.title == "Harbour plan approved at last"


def test_undated_markup_takes_the_day_its_date_line_shows() -> None:
    head = "<title>Harbour plan</title><meta property='og:type' content='article'>"
    url = "https://gazette.com/news/harbour-plan"
    line = "<h1>Harbour plan</h1><div class='post-meta'>Posted on March 3, 2025 by Ana Ruiz</div>"
    assert extract(page_with(head, line), url).published == "2025-03-03"
    # Without a date element, a dateline opening the lead; a teaser's date (in a link) is not read.
    teaser = "<a href='/news/other'><span class='date'>01.01.2024</span></a>"
    dateline = f"<p>04.03.2025 – {LEAD}</p>"
    assert extract(page_with(head, teaser + dateline), url).published == "2025-03-04"


def test_language_is_a_registered_language_subtag_only() -> None:
    """The declared language (the page's metadata) is a registered subtag only; an article whose page
    declares none that is valid gets the language of its text (`scraper.language`)."""
    url = "https://gazette.com/a/1"
    charset = "<title>Harbour plan</title><meta http-equiv='Content-Language' content='utf-8'>"
    assert parse(page_with(charset, ""), url).meta.language is None
    assert extract(page_with(charset, ""), url).language == "en"  # detected from the text
    # A source that names no language leaves the field to the next one that does.
    locale = charset + "<meta property='og:locale' content='de_DE'>"
    assert extract(page_with(locale, ""), url).language == "de"
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "inLanguage": "pt-BR"}</script>'
    assert extract(page_with(charset + ld, ""), url).language == "pt"
    for written, code in [("EN-gb", "en"), ("eng", "en"), ("tl", "tl"), ("x-default", None), ("und", None)]:
        page = page_with("<title>Harbour plan</title>", "").replace("<html>", f"<html lang='{written}'>")
        assert parse(page, url).meta.language == code, written


@pytest.mark.parametrize(
    ("h1", "title"),
    [
        (
            "<span class='kicker'>Nahost</span>: Ein bisschen Fortschritt",
            "Ein bisschen Fortschritt",
        ),
        (
            "<span class='article-kicker'>Harbour</span> - «The harbour plan is a good start»",
            "«The harbour plan is a good start»",
        ),
    ],
)
def test_title_loses_the_separator_of_a_kicker_set_apart(h1: str, title: str) -> None:
    kicker = h1.split(">")[1].split("<")[0]
    head = f"<title>{kicker}: {title} | Gazette</title>"
    assert extract(page_with(head, f"<h1>{h1}</h1>"), "https://gazette.com/a/1").title == title


def test_title_keeps_a_dash_the_publisher_opens_it_with() -> None:
    # A quotation dash, as Scandinavian papers open a quote: nothing was set apart in the heading.
    head = "<title>- The harbour will change everything</title>"
    body = "<h1>- The harbour <span class='big'>will change everything</span></h1>"
    article = extract(page_with(head, body), "https://gazette.no/a/1")
    assert article.title == "- The harbour will change everything"


def _authors_of(ld_author: object) -> list[str]:
    ld = json.dumps({"@type": "NewsArticle", "headline": "Harbour plan", "author": ld_author})
    head = f"<script type='application/ld+json'>{ld}</script>"
    return extract(page_with(head, ""), "https://gazette.com/a/1").authors


def test_authors_of_a_nested_json_ld_list_are_names_not_printed_objects() -> None:
    nested = [[{"@type": "Person", "name": "MDR SACHSEN-ANHALT"}], {"@type": "Person", "name": "Jane Doe"}]
    assert _authors_of(nested) == ["MDR SACHSEN-ANHALT", "Jane Doe"]
    # Escaped twice, or with markup in the name.
    assert _authors_of({"name": "Redacci&oacute;n Diario"}) == ["Redacción Diario"]
    assert _authors_of({"name": "<a href='/authors/jd'>Jane Doe</a>"}) == ["Jane Doe"]


PROFESSOR = "Vilniaus universiteto politikos instituto profesorius"


@pytest.mark.parametrize(
    ("written", "names"),
    [
        ("Elena Oberholzer (obe)", ["Elena Oberholzer"]),  # the writer's code after the name
        ("ku Frankfurt", []),  # an editor's initials and the place filed from
        ("Anna Trechsel, Sweidah", ["Anna Trechsel", "Sweidah"]),
        (f"Jonas Petraitis, {PROFESSOR}", ["Jonas Petraitis"]),
        (PROFESSOR, []),  # a job title alone
        ("Jane Doe in Paris", ["Jane Doe"]),
        ("harbourtimes - Jane Doe", ["Jane Doe"]),
        # Names stay whole: surname first, a suffix, particles, an organisation's lowercase word.
        ("Doe, Jane", ["Doe, Jane"]),
        ("John Smith, Jr.", ["John Smith, Jr"]),
        ("Ursula von der Leyen; Carlo d'Angelo", ["Ursula von der Leyen", "Carlo d'Angelo"]),
        ("FOCUS online", ["FOCUS online"]),
    ],
)
def test_authors_are_names_without_initials_places_or_job_titles(written: str, names: list[str]) -> None:
    assert _authors_of(written) == names
    byline = f"<div class='post-meta'><span class='byline'>By {written}</span></div>"
    page = page_with("<title>Harbour plan</title>", byline)
    assert extract(page, "https://gazette.com/a/1").authors == names


def test_a_parenthesised_credit_in_the_byline_is_no_author() -> None:
    bylines = "<p class='author'>Jane Doe</p><p class='author'>(Image: Getty Images)</p>"
    page = page_with("<title>Harbour plan</title>", bylines)
    assert extract(page, "https://gazette.com/a/1").authors == ["Jane Doe"]
