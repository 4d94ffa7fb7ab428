"""What a page says about its own article, read before any cleaner changes the tree.

Cleaners can be wrong in ways they cannot see themselves: a site cleaner whose selectors a redesign
broke finds a sliver of the text, the generic cleaner may judge a story with a long related list a
front. The page carries evidence that does not depend on any cleaner: its metadata calls it an article,
its structured data gives the text or its length (JSON-LD `articleBody`, `wordCount`), and one element
holds the bulk of its paragraphs (the dominant text block). The pipeline checks each result against
it (`scraper.invariants`)."""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from scraper.article import word_count
from scraper.bylines import in_comments
from scraper.metadata import Metadata

# Teasers are headings that link elsewhere; a block holding several is a list of stories, not one.
_TEASER_HEADINGS = "h2 a[href], h3 a[href], h4 a[href], a[href] h2, a[href] h3, a[href] h4"
_MAX_TEASERS = 2
_CANDIDATE_BLOCKS = 3  # the largest blocks looked at for teasers before giving up
# Words of one block that make a story on their own, whatever else the page holds.
SUBSTANTIAL_WORDS = 150


@dataclass(frozen=True, slots=True)
class Evidence:
    says_article: bool  # JSON-LD article type or og:type=article
    structured_words: int  # words of the JSON-LD articleBody, else its wordCount; 0 when absent
    block_words: int  # words in the paragraphs of the dominant text block; 0 when there is none
    shown_code: tuple[str, ...] = ()  # the text of the page's <pre> and <code> blocks: code as content

    @property
    def promised_words(self) -> int:
        """The words a complete reading of the story should come near."""
        return max(self.structured_words, self.block_words)

    @property
    def has_story_block(self) -> bool:
        """One block holds a story's worth of running text (not teasers)."""
        return self.block_words >= SUBSTANTIAL_WORDS


def read_evidence(meta: Metadata, root: LexborNode | None) -> Evidence:
    """The evidence of a page from its metadata and its unmodified tree."""
    structured = word_count(meta.article_body) if meta.article_body else meta.word_count or 0
    if root is None:
        return Evidence(meta.says_article, structured, 0)
    code = tuple(" ".join(node.text(deep=True).split()) for node in root.css("pre, code"))
    found = dominant_block(root)
    return Evidence(meta.says_article, structured, found[1] if found else 0, code)


def dominant_block(root: LexborNode) -> tuple[LexborNode, int] | None:
    """The element whose `<p>` children and grandchildren hold the most words, and their words,
    skipping blocks interleaved with linked headlines (a list of teasers with their summaries) and
    blocks of the readers' comments.
    Grandchildren count because many sites wrap each paragraph in a block of its own; not through
    list items, which are items of a list (comments, teasers), not the paragraphs of one text."""
    words: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    for para in root.css("p"):
        count = word_count(para.text(deep=True))
        parent = para.parent
        grandparent = parent.parent if parent is not None and parent.tag != "li" else None
        for holder in (parent, grandparent):
            if holder is not None:
                key = holder.mem_id
                words[key] = words.get(key, 0) + count
                parents.setdefault(key, holder)
    for key in sorted(words, key=words.__getitem__, reverse=True)[:_CANDIDATE_BLOCKS]:
        block = parents[key]
        if len(block.css(_TEASER_HEADINGS)) <= _MAX_TEASERS and not in_comments(block):
            return block, words[key]
    return None
