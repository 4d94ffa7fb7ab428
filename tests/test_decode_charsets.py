"""Pages that declare no charset: decoded right in the common legacy encodings, whatever the detector's
near-ties between single-byte code pages (a windows-1252 page came out as windows-1250: "naïve" as
"naďve", "crème brûlée" as "crčme brűlée")."""

from __future__ import annotations

import pytest

from scraper import extract
from scraper.decode import decode

# (html lang, encoding, a paragraph of news text), none of them declared in the page.
TEXTS = [
    (
        "fr",
        "windows-1252",
        "Le gouvernement a annoncé mercredi une série de mesures destinées à soutenir les agriculteurs "
        "touchés par la sécheresse. Selon le ministre, les aides seront versées dès la fin du mois, "
        "après une réunion à l'Élysée. « Nous ne laisserons personne de côté », a-t-il déclaré. Au café "
        "du village, on commande une crème brûlée et on parle d'une idée naïve.",
    ),
    (
        "es",
        "windows-1252",
        "El Gobierno aprobó el miércoles un paquete de ayudas para los agricultores afectados por la "
        "sequía. Según el ministerio, los pagos llegarán antes de que termine el mes. «No vamos a dejar "
        "a nadie atrás», afirmó la ministra en Madrid. Las organizaciones agrarias piden una reforma más "
        "ambiciosa del sistema de riego en el sur de España.",
    ),
    (
        "de",
        "windows-1252",
        "Die Bundesregierung hat am Mittwoch neue Maßnahmen zur Unterstützung der Landwirte beschlossen, "
        "die unter der Dürre leiden. Nach Angaben des Ministeriums sollen die Hilfen noch vor Ende des "
        "Monats ausgezahlt werden. „Wir lassen niemanden zurück“, sagte die Ministerin. Die Verbände "
        "fordern größere Anstrengungen für die Höfe im Süden.",
    ),
    (
        "hu",
        "iso-8859-2",
        "A kormány szerdán elfogadta az aszály sújtotta gazdák támogatására szolgáló intézkedéscsomagot. "
        "A minisztérium szerint a pénzt még a hónap vége előtt kifizetik. 'Senkit sem hagyunk magára' - "
        "mondta a miniszter a budapesti sajtótájékoztatón. A gazdaszervezetek az öntözőrendszer átfogóbb "
        "reformját sürgetik az ország déli részén.",
    ),
    (
        "pl",
        "windows-1250",
        "Rząd przyjął w środę pakiet pomocy dla rolników dotkniętych suszą. Według ministerstwa "
        "pieniądze zostaną wypłacone jeszcze przed końcem miesiąca. „Nikogo nie zostawimy bez wsparcia” "
        "- powiedziała minister na konferencji prasowej w Warszawie. Organizacje rolnicze domagają się "
        "szerszej reformy systemu nawadniania na południu kraju.",
    ),
    (
        "ru",
        "windows-1251",
        "Правительство в среду одобрило пакет мер поддержки фермеров, пострадавших от засухи. По данным "
        "министерства, выплаты поступят ещё до конца месяца. «Мы никого не оставим без помощи», — "
        "заявила министр на пресс-конференции в Москве. Аграрные союзы считают меры недостаточными и "
        "требуют более масштабной реформы системы орошения на юге страны.",
    ),
    (
        "ru",
        "koi8-r",
        "Правительство в среду одобрило пакет мер поддержки фермеров, пострадавших от засухи. По данным "
        "министерства, выплаты поступят ещё до конца месяца. Министр заявила на пресс-конференции в "
        "Москве, что никого не оставят без помощи. Аграрные союзы считают меры недостаточными и требуют "
        "более масштабной реформы системы орошения на юге страны.",
    ),
    (
        "ja",
        "shift_jis",
        "政府は水曜日、干ばつの被害を受けた農家を支援する一連の措置を発表した。農林水産省によると、支援金"
        "は月末までに支払われる予定だ。大臣は東京での記者会見で「誰一人取り残さない」と述べた。農業団体は"
        "対策が不十分だとして、南部の灌漑制度のより大規模な改革を求めている。今年は収穫量が大きく落ち込ん"
        "だ地域も多い。",
    ),
    (
        "ko",
        "euc-kr",
        "정부는 수요일 가뭄 피해를 입은 농민들을 지원하기 위한 대책을 발표했다. 농림축산식품부에 따르면 "
        "지원금은 이달 말 전에 지급될 예정이다. 장관은 서울에서 열린 기자회견에서 누구도 소외되지 않도록 "
        "하겠다고 말했다. 농민 단체들은 대책이 불충분하다며 남부 지역 관개 시스템의 대대적인 개혁을 "
        "요구하고 있다.",
    ),
    (
        "zh",
        "gb2312",
        "政府星期三宣布了一系列措施，支持受干旱影响的农民。据农业部介绍，补助资金将在本月底之前发放。部长"
        "在北京举行的新闻发布会上表示，不会让任何人掉队。农民组织认为这些措施还不够，要求对南方地区的灌溉"
        "系统进行更大规模的改革。今年许多地区的收成明显下降。",
    ),
    (
        "zh",
        "big5",
        "政府星期三宣布了一系列措施，支持受乾旱影響的農民。據農業部介紹，補助資金將在本月底之前發放。部長"
        "在台北舉行的記者會上表示，不會讓任何人掉隊。農民團體認為這些措施還不夠，要求對南部地區的灌溉系統"
        "進行更大規模的改革。今年許多地區的收成明顯下降。",
    ),
    (
        "fr",
        "utf-16",
        "Le gouvernement a annoncé une série de mesures : « naïve » crème brûlée, Straße, ёлка, 政府.",
    ),
    (
        "fr",
        "utf-8",
        "Le gouvernement a annoncé une série de mesures : « naïve » crème brûlée, Straße, ёлка, 政府.",
    ),
]


def page(text: str, lang: str | None) -> str:
    """A small article page without any charset: no <meta charset>, no HTTP header."""
    html_lang = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{html_lang}><head><title>{text[:50]}</title></head><body><article>"
        f"<h1>{text[:60]}</h1><p>{text}</p><p>{text}</p></article></body></html>"
    )


@pytest.mark.parametrize(("lang", "encoding", "text"), TEXTS, ids=[f"{t[0]}-{t[1]}" for t in TEXTS])
def test_undeclared_charsets_are_detected(lang: str, encoding: str, text: str) -> None:
    data = page(text, lang).encode(encoding)  # utf-16 writes its BOM
    assert f"<p>{text}</p>" in decode(data)


@pytest.mark.parametrize("text", [text for _, encoding, text in TEXTS if encoding == "windows-1252"])
def test_windows_1252_without_lang_or_charset(text: str) -> None:
    """Western European text by the detector's own language guess, when the page names no language."""
    article = extract(page(text, None).encode("windows-1252"))
    assert text in article.body
