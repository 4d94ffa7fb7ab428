"""Boilerplate families shared by every cleaner: markup that is never article text, and wording that
marks prompts, credits and datelines. Site cleaners add their own; the generic cleaner uses these too."""

from __future__ import annotations

import re

# Blocks that are never article text on any site, by tag, role or a class/id naming their purpose.
DROP_SELECTORS: tuple[str, ...] = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "form",
    "button",
    "select",
    "textarea",
    "nav",
    '[role="navigation"]',
    '[role="dialog"]',
    "#cookie-banner",
    "[class*=cookie-consent]",
    "[id*=cookie-consent]",
    "[class*=consent-banner]",
    "[class*=newsletter]",
    "[id*=newsletter]",
    "[class*=share-bar]",
    "[class*=social-share]",
    "[class*=sharedaddy]",
    "[class*=related-posts]",
    "[class*=jp-relatedposts]",
    "[class*=wpcode]",
)

_FLAGS = re.I | re.S

# Paragraphs that are prompts, not text, in whatever block they sit.
DROP_TEXT: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _FLAGS)
    for p in (
        r"^thank you for reading this (post|article)\b.{0,40}subscribe\W*$",
        r"^(subscribe|sign up)( now)? (to|for) (our|the)\b.{0,60}(newsletter|updates)s?\W*$",
        r"^subscribe to our newsletter\W*$",
        r"^(click|tap) here to (subscribe|read more|get|download|install|join)\b.*$",
        r"^(share|share this|share post|share on)\s*(:|article|story|post)?\W*$",
        r"^(follow us|follow)\s*(on .{0,40})?\W*$",
        r"^(advertisement|sponsored|ad)\W*$",
        r"^(read more|also read|related|more like this|recommended|most read|trending( now)?)\s*:?\W*$",
        r"^this image is ai-generated\b.*$",
        # "Read also" prompts, alone or with the other story's headline, in the languages we meet.
        r"^(also read|read also|see also|more on this( story)?|lea (también|más|además)|lee también|"
        r"leia (também|mais)|leggi anche|(à )?lire aussi|voir aussi|lesen sie (auch|mehr)|auch interessant|"
        r"mehr zum thema|das könnte sie auch interessieren|schon gelesen|czytaj (też|także|więcej)|"
        r"zobacz (też|także)|läs även|læs også|les også|lees ook|ook interessant|(le|te) puede interesar|"
        r"(contenido|noticias|artículos) relacionad[oa]s|"
        r"(das|dieses) thema könnte (dich|sie) auch interessieren)"
        r"(\b|(?=(?-i:[A-Z0-9«“\"])))\W{0,3}.{0,160}$",  # a linked headline glued on: "Also readGlacier ..."
        # "Related: <another story's headline>", with or without a colon's space.
        r"^related( (stories|articles|news|coverage|reading|content|posts?))?\s*:\s*.{0,160}$",
        r"^(subscribe|abonnieren sie|abonnez-vous|suscríbete|iscriviti|zapraszamy (też )?do subskrypcji)\b"
        r".{0,150}$",
        r"^(to (continue|keep) reading|pour (lire la suite|accéder)|(jetzt )?weiterlesen)\b.{0,200}$",
        r"^(lea|leia|lee|lire|leggi|lees|czytaj|read|read more|auch lesen|mira|mire|vea también|ver también|"
        r"puedes ver|(le|te) puede interesar)\s*:\s*.{0,160}$",
        r"^(learn more|mehr erfahren|en savoir plus|más información|saiba mais|scopri di più|"
        r"dowiedz się więcej|lees meer|läs mer|les mer)\W*$",
        r"^(©|copyright\b|\(c\) ).{0,200}$",
        # Reading time, picture credits, and the prompts around an article: report an error, comment,
        # sign in, follow, rate the article, "more on", advertising labels, embeds, contact addresses.
        r"^((reading|read) time|lesedauer|lesezeit|temps de lecture|tiempo de lectura|tempo di lettura)\W*"
        r"\d+\s*min\w*\.?$",
        r"^\d+\s*(min\w*\.?)\s*(read|lesezeit|lesedauer|de lecture|de lectura|di lettura|läsning)\W*$",
        r"^((featured|header|top|lead|main|cover|hero) (image|photo|picture)|"
        r"photo|photos|foto|fotos|bild|bilder|image|images|picture|credit|crédit|фото|titelbild|beitragsbild|"
        r"bildnachweis|bildquelle|image credit|photo credit)s?( \[m\])?\s*:\s*.{0,80}$",
        r"^(fehler gefunden|einen fehler gefunden|found an error|spotted an error|report an error)\b.{0,40}$",
        r"^(kommentar abgeben|leave a comment|add a comment|post a comment|join the conversation|"
        r"would you like to comment\b.*|please read our comment policy\b.*|du musst dich .{0,30}"
        r"(einloggen|anmelden).*)\W*$",
        r"^(log ?in|sign ?in|sign ?up|create an account|jetzt anmelden|jetzt registrieren)\b.{0,80}$",
        r"^(folgst du|folgen sie|follow|s[ií]guenos|suivez[- ]nous|seguici)\b.{0,60}\b(on|auf|en|sur|su|in)"
        r"\s+(whatsapp|instagram|facebook|telegram|tiktok|google news|twitter|youtube|linkedin)\b.{0,160}$",
        r"^(stay updated\W{0,3})?(join|follow) (our |the )?((whatsapp|telegram) )?(channel|kanal|canal)\W*$",
        r"^(stay updated\W{0,3}|for (the )?(latest|more)\b.{0,60}?)?(join|follow|subscribe to)\b.{0,40}"
        r"\b(telegram|whatsapp)\b.{0,20}\b(channel|community|group)\b.{0,60}$",
        r"^.{0,60}\b(join|únete|tenemos|abonniere|our|nuestro|unserem?)\b.{0,40}\b(canal|channel|kanal)\b.{0,20}"
        r"\b(telegram|whatsapp)\b.{0,100}$",
        r"^(for the latest .{0,80})?download (the|our) .{0,40}\bapps?\b.{0,100}$",
        r"^never miss\b.{0,80}\b(sign(ing)? up|subscrib\w*|newsletters?)\b.{0,100}$",
        r"^(zum |jetzt (zum )?)?newsletter( abonnieren| anmelden| bestellen)?\W*$",
        r"^((view|show|load|hide) (all )?comments?|(keine|no) (kommentare|comments))\W*$",
        r"^(inhaltsverzeichnis|table of contents|índice|sommaire)\W*$",
        r"^(most read|meistgelesen|más leídas|les plus lus)\b.{0,40}$",
        r"^(mehr (themen|zum thema|artikel|nachrichten|news)|more (stories|news|from))\b.{0,40}:?$",
        r"^more on\b.{0,40}:$",
        r"^(wie hat ihnen dieser artikel gefallen|did you (like|enjoy) this (article|story)|"
        r"was this (article|story) helpful|enjoying our latest content)\W*$",
        r"^(passer la publicité|anzeige|werbung|publicidad|pubblicità|reklame|annons|mainos|embed|"
        r"link zum .{1,30}inhalt|externer inhalt|external content)\W*$",
        r"^.{0,80}\b(e-?mail|contact)\s*:?\s*[\w.+-]+@[\w-]+(\.[\w-]+)+\.?$",
        r"^.{0,150}\b(all rights reserved|copyrighted property|written permission|alle rechte vorbehalten|"
        r"tous droits réservés|todos los derechos reservados|materiał chroniony prawem)\b.{0,100}$",
    )
)

_ADDRESS = r"(https?://)?(www\.)?[\w-]+(\.[\w-]+)+/?"

# Credit lines and sign-offs, read out of the body into `credit`.
CREDIT_TEXT: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, _FLAGS)
    for p in (
        r"^\((?P<credit>with inputs? from [^)]{2,60}?)\.?\)\.?$",
        # An agency's abbreviation, alone or with its address: "(NAN)(www.nannews.ng)".
        rf"^\((?P<credit>(?-i:[A-Z]{{2,10}}))\)\s*(\({_ADDRESS}\))?\.?$",
        r"^\((?P<credit>(reporting|writing|additional reporting) by [^)]{2,200}?)\.?\)\.?$",
        r"^(?P<credit>(edited|compiled|reporting|additional reporting) by [\w .,'’-]{2,80}?)\.?$",
        r"^\((?P<credit>this story has not been edited by .{5,200}?)\.?\)\.?$",
        r"^[-—–(]*\s*(?P<credit>(reuters|afp|ap|dpa|ians|pti|ani|xinhua|bloomberg|associated press))"
        r"\s*[)]?\.?$",
        r"^[-—–]*\s*(?P<credit>.{3,150}?\bcontributed( reporting)? to this (report|story|article))\.?$",
        r"^[-—–(]*\s*(?P<credit>(with )?(additional )?reporting by .{2,150}?)\.?\)?\.?$",
        r"^\(?(?P<credit>(quelle|source|fuente|fonte)\s*:\s*.{2,60}?)\)?\.?$",
        r"^(?P<credit>(dieser (artikel|beitrag) ist zuerst|this (article|story) (was )?(first|originally) "
        r"(published|appeared)|first published|originally published|republished)\b.{0,150}?)\.?$",
    )
)

# An upper-case place name opening the first paragraph: "WASHINGTON: ...", "LONDON (Reuters) - ...".
DATELINE = re.compile(
    r"^(?P<dateline>[A-Z][A-Z.'’\- ]{1,38}[A-Z.])(?:,\s*[^:(–—-]{1,40})?\s*(?:\([^)]{1,40}\)\s*)?[:–—-]\s+\S"
)


# All of them as one pattern: one match a paragraph instead of one search per pattern (each is
# anchored at the start, and a search would try every position of the paragraph).
_ANY_DROP_TEXT = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in DROP_TEXT), _FLAGS)


def drop_text(paragraph: str, extra: tuple[re.Pattern[str], ...] = ()) -> bool:
    return bool(_ANY_DROP_TEXT.match(paragraph)) or any(p.search(paragraph) for p in extra)


def credit_of(paragraph: str, extra: tuple[re.Pattern[str], ...] = ()) -> str | None:
    for pattern in CREDIT_TEXT + extra:
        match = pattern.search(paragraph)
        if match:
            return match.group("credit").strip()
    return None


# The same abbreviation glued to the end of the last sentence: "... the minister said.(NAN)".
_TRAILING_CREDIT = re.compile(
    rf"(?<=[.!?\"”’])\s*\((?P<credit>(?-i:[A-Z]{{2,10}}))\)\s*(\({_ADDRESS}\))?\s*$", _FLAGS
)


def trailing_credit(paragraph: str) -> tuple[str, str] | None:
    """(the paragraph without it, the credit) for a credit glued to the end of a paragraph."""
    match = _TRAILING_CREDIT.search(paragraph)
    return (paragraph[: match.start()].rstrip(), match.group("credit")) if match else None


def dateline_of(first_paragraph: str, extra: tuple[re.Pattern[str], ...] = ()) -> str | None:
    for pattern in (*extra, DATELINE):
        match = pattern.match(first_paragraph)
        if match:
            return match.group("dateline").strip()
    return None
