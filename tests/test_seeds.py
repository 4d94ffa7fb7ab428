"""Boilerplate tests from the seed dumps (../shared/seeds): for the sample that carries a seed's article,
every article line of the dump is in the cleaned body and no other line of the dump is."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import orjson
import pytest

from scraper import extract
from tests.support.samples import SAMPLES

# Per seed: the first and last line of the article text in the dump, and the lines between them that
# are page furniture (meta lines, image alt text, disclaimers, in-body prompts). Everything else in the
# dump (titles, sidebars, appended stories, footers) is boilerplate.
SEEDS = {
    "000": ("One of the officials said they took part", "were in Russia all together.", ()),
    "001": (
        "Vladimir Putin has thanked Kim Jong Un",
        "as stated by President Putin.",
        (
            "Devdiscourse News Desk |",
            "North Korean Troops' Role in Kursk",
            "This image is AI-generated",
            "Country:",
            "Russia",
        ),
    ),
    "002": (
        "North Korea, for the first time, confirmed",
        "diplomatic standing with Putin.",
        ("Devdiscourse News Desk |", "North Korea Admits Sending Troops", "This image is AI-generated"),
    ),
    "003": (
        "Ukrainian President Volodymyr Zelenskyy posted videos of the men",
        "far outside Ukraine.",
        (
            "Subscribe to The Week",
            "Escape your echo chamber",
            "Sign up for The Week's Free Newsletters",
            "From our morning news briefing",
        ),
    ),
    "004": (
        "North Korea has not announced plans to dispatch troops",
        "support Moscow’s war efforts.",
        ("Thank you for reading this post",),
    ),
}


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'")
    text = text.replace("“", '"').replace("”", '"').lstrip("•· ").strip()
    return " ".join(text.split())


def split_seed(path: Path) -> tuple[list[str], list[str]]:
    first, last, furniture = SEEDS[path.name[:3]]
    lines = [
        norm(re.sub(r"^ date \d{4}-\d{2}-\d{2}", "", line)) for line in path.read_text("utf-8").splitlines()
    ]
    lines = [line for line in lines if line]
    start = next(i for i, line in enumerate(lines) if line.startswith(norm(first)))
    end = next(i for i, line in enumerate(lines) if i >= start and line.endswith(norm(last)))
    article = [line for line in lines[start : end + 1] if not line.startswith(tuple(map(norm, furniture)))]
    other = (
        lines[:start] + [line for line in lines[start : end + 1] if line not in article] + lines[end + 1 :]
    )
    return article, [line for line in other if line not in article]


# The samples carrying each seed's article, and how many opening paragraphs of their body the sample
# adds (written for it, as its header says): their expected body is the seed's article text.
SEED_SAMPLES = {
    "000": {"arabnews.com/kursk-combat.json": 0},
    "001": {"devdiscourse.com/putin-thanks-kim-kursk.json": 0},
    "002": {"devdiscourse.com/north-korea-admits-troops.json": 0},
    "003": {"theweek.com/ukraine-captures-north-korean-soldiers.json": 0},
    "004": {
        "naija247news.com/north-korea-troop-deployment-reports.json": 0,
        "nknews.org/north-korea-has-not-announced-troop-deployment.json": 1,  # its subtitle
    },
}


def sample_for(first_line: str) -> Path:
    for page in sorted(SAMPLES.rglob("*.htm*")):
        if norm(first_line) in norm(re.sub(r"<[^>]+>", " ", page.read_text("utf-8", errors="replace"))):
            return page
    raise AssertionError(f"no sample carries the seed article starting {first_line!r}")


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_seed_article_only(seed: str, shared: Path) -> None:
    path = next((shared / "seeds").glob(f"{seed}_*.txt"))
    article, boilerplate = split_seed(path)
    page = sample_for(SEEDS[seed][0])
    body = extract(page.read_bytes()).body
    paragraphs = {norm(p) for p in body.split("\n\n")}
    flat = norm(body)
    missing = [line for line in article if line not in paragraphs and line not in flat]
    assert not missing, f"{page.name}: article lines missing from body"
    leaked = [
        line
        for line in boilerplate
        if line in paragraphs or (len(line.split()) >= 4 and line.rstrip(".") in flat)
    ]
    assert not leaked, f"{page.name}: boilerplate in body"


@pytest.mark.parametrize("seed", sorted(SEED_SAMPLES))
def test_expected_bodies_are_the_seed_article(seed: str, shared: Path) -> None:
    """The goldens' bodies are the seed's article text, paragraph for paragraph (a heading's case may
    differ where the sample's site sets it otherwise), not whatever a cleaner once returned."""
    path = next((shared / "seeds").glob(f"{seed}_*.txt"))
    article = [line.casefold() for line in split_seed(path)[0]]
    for sample, added in SEED_SAMPLES[seed].items():
        body = orjson.loads((SAMPLES / sample).read_bytes())["body"].split("\n\n")
        assert [norm(p).casefold() for p in body[added:]] == article, sample
