"""Turning a parsed HTML subtree into article paragraphs."""

from __future__ import annotations

from collections.abc import Iterator

from selectolax.lexbor import LexborNode

# Elements whose text is never article text (media, forms, embedded code).
SKIP_TAGS = frozenset(
    "script style noscript template svg iframe button select option textarea input label form figure "
    "figcaption picture img video audio canvas object embed map head title meta link".split()
)
# Elements that start and end a paragraph of their own.
BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol dl dt dd blockquote pre section article header footer main "
    "aside nav table thead tbody tfoot tr td th caption hr br address details summary center".split()
)


def fold_whitespace(text: str) -> str:
    """Collapse all whitespace (including non-breaking and zero-width spaces) to single spaces."""
    return " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())


def class_and_id(node: LexborNode) -> str:
    """A node's class names and id, space-separated: what markup calls a block."""
    attrs = node.attributes
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''}"


def walk(root: LexborNode) -> Iterator[tuple[LexborNode, bool]]:
    """Depth-first (node, entering) events without recursion: real pages nest 100,000 levels deep."""
    node: LexborNode | None = root
    end = root.mem_id  # selectolax makes a new wrapper per access, and `==` compares serialised HTML
    while node is not None:
        yield node, True
        child = node.first_child if node.is_element_node and node.tag not in SKIP_TAGS else None
        if child is not None:
            node = child
            continue
        while node is not None:
            yield node, False
            if node.mem_id == end:
                return
            sibling = node.next
            if sibling is not None:
                node = sibling
                break
            node = node.parent


def paragraphs(root: LexborNode) -> list[str]:
    """The text of `root` as paragraphs: one per block element (p, li, headings, cells, br-separated runs)."""
    out: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = fold_whitespace("".join(buffer))
        buffer.clear()
        if text:
            out.append(text)

    for node, entering in walk(root):
        tag = node.tag
        if tag == "-text":
            if entering:
                buffer.append(node.text_content or "")
        elif tag in BLOCK_TAGS:
            flush()
    flush()
    return out


def join_paragraphs(paras: list[str]) -> str:
    return "\n\n".join(paras)
