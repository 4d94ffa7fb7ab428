"""Redesigns, as functions: a saved page changed the way a site's new theme changes real pages. The
layout-drift tests run every site cleaner's samples through them."""

from __future__ import annotations

import re
from collections.abc import Callable

from selectolax.lexbor import LexborHTMLParser, LexborNode

from cleaners import site_cleaners
from cleaners.boilerplate import DROP_SELECTORS

Mutation = Callable[[str, str], str]  # (html, site) -> html

_SELECTOR_WORDS = re.compile(r"\.([\w-]+)|\[(?:class|id)[*^$~|]?=['\"]?([\w-]+)")


def _dropped_class_words() -> list[str]:
    """The class and id words of every drop selector of the site cleaners and the shared rules."""
    selectors = list(DROP_SELECTORS)
    for cleaner in site_cleaners().values():
        for layout in cleaner.layouts:
            selectors += layout.drop
    words = {word for selector in selectors for match in _SELECTOR_WORDS.findall(selector) for word in match}
    return sorted(word for word in words if word)


def _story_block(tree: LexborHTMLParser) -> LexborNode:
    """The element whose own paragraphs hold the most text: where the story is, in any markup."""
    sizes: dict[int, tuple[int, LexborNode]] = {}
    for para in tree.css("p"):
        if (parent := para.parent) is not None:
            size, _ = sizes.get(parent.mem_id, (0, parent))
            sizes[parent.mem_id] = (size + len(para.text(deep=True)), parent)
    return max(sizes.values(), key=lambda item: item[0])[1]


def _wrappers(node: LexborNode) -> list[LexborNode]:
    """The node and its ancestors up to <body>."""
    out = []
    current: LexborNode | None = node
    while current is not None and current.tag not in ("body", "html"):
        out.append(current)
        current = current.parent
    return out


def _add_classes(nodes: list[LexborNode], words: list[str]) -> None:
    for node in nodes:
        node.attrs["class"] = " ".join([node.attributes.get("class") or "", *words]).strip()


def classes_on_html_and_body(html: str, site: str) -> str:
    """A redesign marks features on the root elements: `<body class="has-newsletter kiosq ...">`."""
    tree = LexborHTMLParser(html)
    words = [f"has-{word}" for word in _dropped_class_words()] + _dropped_class_words()
    _add_classes([tree.css_first("html"), tree.body], words)
    return tree.html


def classes_on_wrappers(html: str, site: str) -> str:
    """The same words on every block around the story (`<div class="content ad-unit-wrapper">`)."""
    tree = LexborHTMLParser(html)
    _add_classes(_wrappers(_story_block(tree).parent), [f"{word}-wrap" for word in _dropped_class_words()])
    return tree.html


def containers_renamed(html: str, site: str) -> str:
    """A new theme renames every class and id around the story and of the story's own container."""
    tree = LexborHTMLParser(html)
    for node in _wrappers(_story_block(tree)):
        for name in ("class", "id"):
            if value := node.attributes.get(name):
                node.attrs[name] = " ".join(f"v2-{word}" for word in value.split())
    return tree.html


def containers_renested(html: str, site: str) -> str:
    """A new theme puts a wrapper around the story's container and another inside it."""
    tree = LexborHTMLParser(html)
    block = _story_block(tree)
    inner = block.inner_html or ""
    block.inner_html = f'<div class="rich-text">{inner}</div>'
    block.replace_with(LexborHTMLParser(f'<div class="layout-column">{block.html}</div>').body.child)
    return tree.html


def article_turned_into_div(html: str, site: str) -> str:
    """A new theme drops the <article> element for plain <div>s."""
    return re.sub(r"<(/?)article\b", r"<\1div", html)


NEXT_TITLE = "Fishing fleet returns early as autumn storms close the northern grounds"
NEXT_PARAS = [
    "Trawler crews said the swell reached nine metres on Thursday, forcing the harbour master to close "
    "the outer channel for the first time this decade.",
    "Processing plants along the coast expect to lay off seasonal workers until the grounds reopen, "
    "according to the regional fisheries association.",
    "Insurers have asked boat owners to report damaged gear before the end of the month.",
]


def next_story_appended(html: str, site: str) -> str:
    """Infinite scroll appends the next story below the article, in markup of its own: its own address,
    headline, byline and text."""
    tree = LexborHTMLParser(html)
    headline = tree.css_first("h1")
    block = _story_block(tree)
    holder = block
    while (
        holder.parent is not None
        and holder.parent.tag != "body"
        and (headline is None or holder.css_first("h1") is None)
    ):
        holder = holder.parent
    story = (
        f'<div class="story-stream-item" data-url="https://www.{site}/news/next-story-77123">'
        f'<div class="story-head"><h1>{NEXT_TITLE}</h1><span class="by">By Mari Lund</span></div>'
        f'<div class="story-text">{"".join(f"<p>{para}</p>" for para in NEXT_PARAS)}</div></div>'
    )
    holder.insert_after(LexborHTMLParser(story).body.child)
    return tree.html


GLUED = '<p><strong>Also read</strong><a href="/news/glacier">Glacier melt raises sea level fears</a></p>'
PROMPTS = {
    GLUED: "Glacier melt raises sea level fears",
    "<p>Stay updated: Join the Daily Courier WhatsApp Channel</p>": "WhatsApp Channel",
    "<p><a href='https://t.me/courier'>Join Channel</a></p>": "Join Channel",
    "<p><b>CLICK HERE TO GET THE DAILY COURIER APP</b></p>": "GET THE DAILY COURIER APP",
    '<p>Related: <a href="/news/port">Port authority signs dredging contract after years of delay</a></p>': (
        "Port authority signs dredging contract"
    ),
}


def new_prompt_wordings(html: str, site: str) -> str:
    """Editors start putting new prompts between the paragraphs of the story."""
    tree = LexborHTMLParser(html)
    paras = _story_block(tree).css("p")
    for para, prompt in zip(paras[1::2], PROMPTS, strict=False):
        para.insert_after(LexborHTMLParser(prompt).body.child)
    return tree.html


MUTATIONS: dict[str, Mutation] = {
    "classes on html and body": classes_on_html_and_body,
    "classes on the story's wrappers": classes_on_wrappers,
    "containers renamed": containers_renamed,
    "containers re-nested": containers_renested,
    "article turned into div": article_turned_into_div,
    "next story appended in other markup": next_story_appended,
    "new prompt wordings": new_prompt_wordings,
}
