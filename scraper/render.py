"""Bodies and lists rendered from an article's paragraphs (`scraper.blocks`): the text body (the
paragraphs joined by a blank line, as always), markdown (CommonMark, with GitHub's tables) and HTML, and
the `links` and `images` of the article's text. A paragraph that is a plain `str` (a cleaner's hook may
make one) renders as a plain paragraph."""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator
from itertools import groupby

from scraper.article import BodyImage, Link
from scraper.blocks import Block, Run
from scraper.text import join_paragraphs

BODY_FORMATS = ("text", "markdown", "html")
EXTRAS = ("links", "images")  # what `with` may add to a record


def check_options(body: str, with_: tuple[str, ...] | list[str]) -> None:
    """Raises ValueError naming a body format or an extra that does not exist."""
    if body not in BODY_FORMATS:
        raise ValueError(f"body {body!r} is not one of {', '.join(BODY_FORMATS)}")
    if unknown := [extra for extra in with_ if extra not in EXTRAS]:
        raise ValueError(f"with {', '.join(map(repr, unknown))}: not one of {', '.join(EXTRAS)}")


def needs_structure(body: str, with_: tuple[str, ...] | list[str]) -> bool:
    """Whether the cleaners must keep the paragraphs' structure: for a markdown or HTML body, links,
    images. The text body alone costs nothing more than it always did."""
    return body != "text" or bool(with_)


def render(paras: list[str], body: str) -> str:
    """The body in the format asked for."""
    if body == "markdown":
        return markdown(paras)
    if body == "html":
        return to_html(paras)
    return join_paragraphs(paras)


def _block(para: str) -> Block:
    return para if isinstance(para, Block) else Block(para)


def _groups(paras: list[str]) -> Iterator[tuple[str, list[Block]]]:
    """Consecutive blocks that render as one element: a list, a blockquote, a table; else one each."""
    merged = {"li": "list", "quote": "quote", "cell": "table", "row": "table"}
    for key, group in groupby(map(_block, paras), key=lambda b: merged.get(b.kind, b.kind)):
        members = list(group)
        if key in merged.values():
            # a figure before a later member ends the group there: it is shown between them
            start = 0
            for i, member in enumerate(members[1:], 1):
                if member.figures:
                    yield key, members[start:i]
                    start = i
            yield key, members[start:]
        else:
            for member in members:
                yield key, [member]


# --- markdown -----------------------------------------------------------------------------------------

_MD_ANYWHERE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+(?=[.)]))")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")


def _md_escape(text: str) -> str:
    return _MD_ENTITY.sub(r"\\&", _MD_ANYWHERE.sub(r"\\\1", text))


def _md_line_start(text: str) -> str:
    """Escape what would open a heading, a list or a rule at the start of a line."""
    match = _MD_LINE_START.match(text)
    if match is None:
        return text
    if match.group(2).isdigit():  # "2024. was the year": escape the dot or bracket after the digits
        end = match.end()
        return text[:end] + "\\" + text[end:]
    return text[: match.start(2)] + "\\" + text[match.start(2) :]


def _md_code(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_runs(runs: tuple[Run, ...]) -> str:
    out = []
    index = 0
    for href, group in groupby(runs, key=lambda run: run.href):
        inner = []
        for run in group:
            inner.append(_md_run(run, _beside(runs, index, -1), _beside(runs, index, 1)))
            index += 1
        out.append(f"[{''.join(inner)}](<{_md_url(href)}>)" if href else "".join(inner))
    return "".join(out)


def _beside(runs: tuple[Run, ...], index: int, step: int) -> str:
    """The character just before (step -1) or after (+1) a run as markdown shows it: a space at the
    edges of the paragraph, a bracket at the edge of a link."""
    other = index + step
    if not 0 <= other < len(runs):
        return " "
    if runs[other].href != runs[index].href:
        return "["
    return runs[other].text[-1 if step < 0 else 0]


def _punctuation(char: str) -> bool:
    return unicodedata.category(char)[0] in "PS"


def _md_run(run: Run, before: str, after: str) -> str:
    if run.code:
        return _md_code(run.text)
    text = _md_escape(run.text)
    marker = ("**" if run.strong else "") + ("*" if run.em else "")
    # CommonMark reads a `*` beside punctuation inside as emphasis only with a space or punctuation
    # outside ("Montauk**.**" stays literal): such a run is left plain rather than shown with stars.
    first, last = run.text[0], run.text[-1]
    opens = not _punctuation(first) or before.isspace() or _punctuation(before)
    closes = not _punctuation(last) or after.isspace() or _punctuation(after)
    return f"{marker}{text}{marker[::-1]}" if marker and opens and closes else text


def _md_url(url: str) -> str:
    return url.replace("\\", "%5C").replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")


def _md_figure(figure: BodyImage) -> str:
    alt = _md_escape(figure.alt or "")
    caption = (figure.caption or "").replace("\\", "\\\\").replace('"', '\\"')
    title = f' "{caption}"' if caption else ""
    return f"![{alt}](<{_md_url(figure.url)}>{title})"


def markdown(paras: list[str]) -> str:
    """The paragraphs as markdown: `#` headings, `-`/`1.` lists (nested by indentation), `>` quotes,
    fenced preformatted text, GitHub tables, `*em*`, `**strong**`, `` `code` ``, `[text](<url>)`, and
    each figure as `![alt](<src> "caption")` on a line of its own before the paragraph it precedes."""
    parts = []
    for key, group in _groups(paras):
        figures = [_md_figure(f) for f in group[0].figures]
        if figures:
            parts.append("\n".join(figures))
        if key == "list":
            parts.append(_md_list(group))
        elif key == "quote":
            parts.append("\n>\n".join(f"> {_md_line_start(_md_runs(b.runs))}" for b in group))
        elif key == "table":
            parts.append(_md_table(group))
        else:
            parts.append(_md_single(group[0]))
    return "\n\n".join(parts)


def _md_single(block: Block) -> str:
    if block.kind == "h":
        return f"{'#' * max(block.level, 1)} {_md_runs(block.runs)}"
    if block.kind == "pre":
        longest = max((len(m) for m in re.findall(r"`{3,}", str(block))), default=2)
        fence = "`" * (longest + 1)
        return f"{fence}\n{block}\n{fence}"
    return _md_line_start(_md_runs(block.runs))


def _md_list(items: list[Block]) -> str:
    lines = []
    columns: list[int] = []  # where the text of each open level's item starts: its sublists indent so
    numbers: dict[int, int] = {}  # the number of the last item at each depth of an ordered list
    for item in items:
        depth = max(item.level, 1)
        del columns[depth - 1 :]
        for deeper in [d for d in numbers if d > depth]:
            del numbers[deeper]
        while len(columns) < depth - 1:  # a deeper item without its parent: indented all the same
            columns.append((columns[-1] if columns else 0) + 2)
        indent = columns[-1] if columns else 0
        numbers[depth] = numbers.get(depth, 0) + 1
        marker = f"{numbers[depth]}." if item.ordered else "-"
        lines.append(f"{' ' * indent}{marker} {_md_line_start(_md_runs(item.runs))}")
        columns.append(indent + len(marker) + 1)
    return "\n".join(lines)


def _md_table(cells: list[Block]) -> str:
    rows = _rows(cells)
    width = max(len(row) for row in rows)
    lines = []
    for index, row in enumerate(rows):
        texts = [_md_runs(cell.runs) for cell in row] + [""] * (width - len(row))
        lines.append("| " + " | ".join(texts) + " |")
        if index == 0:
            lines.append("|" + "---|" * width)
    return "\n".join(lines)


def _rows(cells: list[Block]) -> list[list[Block]]:
    rows: list[list[Block]] = []
    for cell in cells:
        if cell.kind == "row":  # a row the generic cleaner read as one paragraph
            rows.append(list(cell.cells))
            continue
        if cell.row_start or not rows:
            rows.append([])
        rows[-1].append(cell)
    return rows


# --- HTML ---------------------------------------------------------------------------------------------


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _html_runs(runs: tuple[Run, ...]) -> str:
    out = []
    for href, group in groupby(runs, key=lambda run: run.href):
        inner = "".join(_html_run(run) for run in group)
        out.append(f'<a href="{_h(href)}">{inner}</a>' if href else inner)
    return "".join(out)


def _html_run(run: Run) -> str:
    text = _h(run.text)
    for flag, tag in ((run.code, "code"), (run.em, "em"), (run.strong, "strong")):
        if flag:
            text = f"<{tag}>{text}</{tag}>"
    return text


def _html_figure(figure: BodyImage) -> str:
    attrs = f'src="{_h(figure.url)}" alt="{_h(figure.alt or "")}"'
    if figure.width:
        attrs += f' width="{figure.width}"'
    if figure.height:
        attrs += f' height="{figure.height}"'
    caption = f"<figcaption>{_h(figure.caption)}</figcaption>" if figure.caption else ""
    return f"<figure><img {attrs}>{caption}</figure>"


def to_html(paras: list[str]) -> str:
    """The paragraphs as an HTML fragment, one block element a line: `<p>`, `<h2>`, `<ul>`/`<ol>`
    (nested), `<blockquote>`, `<pre>`, `<table>`, `<em>`, `<strong>`, `<code>`, `<a href>`, and each
    figure as `<figure><img><figcaption>` before the paragraph it precedes."""
    parts = []
    for key, group in _groups(paras):
        parts += [_html_figure(f) for f in group[0].figures]
        if key == "list":
            parts.append(_html_list(group))
        elif key == "quote":
            parts.append(
                "<blockquote>" + "".join(f"<p>{_html_runs(b.runs)}</p>" for b in group) + "</blockquote>"
            )
        elif key == "table":
            parts.append(_html_table(group))
        else:
            block = group[0]
            tag = {"h": f"h{min(max(block.level, 1), 6)}", "pre": "pre"}.get(block.kind, "p")
            parts.append(f"<{tag}>{_html_runs(block.runs)}</{tag}>")
    return "\n".join(parts)


def _html_list(items: list[Block]) -> str:
    out: list[str] = []
    open_lists: list[str] = []  # the tags of the lists open, outermost first
    for item in items:
        depth = max(item.level, 1)
        tag = "ol" if item.ordered else "ul"
        while len(open_lists) > depth:
            out.append(f"</li></{open_lists.pop()}>")
        if len(open_lists) == depth and open_lists[-1] != tag:
            out.append(f"</li></{open_lists.pop()}>")
        if len(open_lists) == depth:
            out.append("</li>")
        while len(open_lists) < depth:  # a nested list opens inside the item before it
            out.append(f"<{tag}>")
            open_lists.append(tag)
        out.append(f"<li>{_html_runs(item.runs)}")
    while open_lists:
        out.append(f"</li></{open_lists.pop()}>")
    return "".join(out)


def _html_table(cells: list[Block]) -> str:
    rows = []
    for row in _rows(cells):
        cells_html = "".join(
            f"<{'th' if cell.header else 'td'}>{_html_runs(cell.runs)}</{'th' if cell.header else 'td'}>"
            for cell in row
        )
        rows.append(f"<tr>{cells_html}</tr>")
    return "<table>" + "".join(rows) + "</table>"


# --- links and images ---------------------------------------------------------------------------------


def links(paras: list[str]) -> list[Link]:
    """The article's links: each linked stretch of its text, with its absolute address."""
    found = []
    for block in map(_block, paras):
        for para in block.cells or (block,):  # a table row: its cells
            for href, group in groupby(para.runs, key=lambda run: run.href):
                if href and (text := " ".join("".join(run.text for run in group).split())):
                    found.append(Link(text, href))
    return found


def images(paras: list[str]) -> list[BodyImage]:
    """The article's images: absolute address, alt text, caption, width and height where given."""
    return [figure for para in map(_block, paras) for figure in para.figures]
