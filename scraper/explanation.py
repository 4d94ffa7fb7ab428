"""What `scraper.explain` returns and `scraper clean --explain` prints: the article, the cleaner that made
it, and every block the cleaning removed with the rule that removed it."""

from __future__ import annotations

from dataclasses import dataclass

from scraper.article import Article

TEXT_CHARS = 100  # a removed block's text is cut to this in the printed form


@dataclass(slots=True)
class Explanation:
    """`str()` (and `print`) gives the listing, one line per removed block; `repr()` stays one short line
    (it never dumps the page)."""

    article: Article
    cleaner: str  # name and layout version, e.g. "theweek 2"
    removed: list[tuple[str, str]]  # (rule, text of the block), in the order they were removed

    def listing(self, source: str) -> str:
        """The cleaner, then one line per removed block: `[rule]` then its text, cut to a line."""
        head = f"{source}: cleaner {self.cleaner}, "
        if not self.removed:
            return head + "nothing removed"
        width = max(len(rule) for rule, _ in self.removed) + 2
        lines = [head + f"removed {len(self.removed)} block{'s' if len(self.removed) > 1 else ''}:"]
        for rule, text in self.removed:
            text = " ".join(text.split())
            if len(text) > TEXT_CHARS:
                text = text[: TEXT_CHARS - 1] + "…"
            lines.append(f"  {f'[{rule}]':<{width}} {text}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.listing(self.article.url or "page")

    def __repr__(self) -> str:
        return (
            f"<Explanation {self.article.url or 'page'}: cleaner {self.cleaner}, "
            f"{len(self.removed)} blocks removed>"
        )
