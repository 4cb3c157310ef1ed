"""The item's language, cheaply, and the launch words of the languages we read besides English.

Detection is by script (Hangul, kana, CJK ideographs, Cyrillic) and, for Latin text, by a few
function words (Spanish, Turkish, Indonesian) and letters only one of them uses (ñ, ğ, ı). It
reads at most the first 600 characters (300 for function words, one small Aho-Corasick pass)
and costs a few percent of an item's scoring on English text: no model and no download,
where a general detector (langdetect, lingua) would cost more per item than the whole scorer.

The engine's vocabulary is English. A TGE written in Chinese, Korean, Russian, Spanish or
Turkish about a known `$TICKER` or company would otherwise have no keyword and score as
certain-negative because of its language; ``native_signals`` adds the launch, airdrop, token,
listing and claim words of the item's language to the same tiers and families the English
words feed, so the engine's rules (proximity, "$ABC airdrop", "launch ... token") apply.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import ahocorasick_rs

from core.scoring.keywords import ACRONYMS

EN = "en"
_SAMPLE = 600

_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ANY_SCRIPT = re.compile(
    r"[\u0400-\u04ff\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff]"
)
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Function words of the Latin-script languages; two different ones of a language in the
# first 300 characters decide. One small automaton pass finds them (a regex alternation or
# a split of the text costs several times more).
_FUNCTION_WORDS = {
    "es": "el la los las del para una con que por su sus tras según será",
    "pt": "em não uma com os das dos ao pela pelo são foi para",
    "it": "il della delle degli gli che dopo sono nel con",
    "tr": "bir ile için olarak bu daha yeni olan",
    "id": "yang dan untuk dengan akan ini dari telah",
}
_LATIN_SAMPLE = 300
_PATTERNS = sorted({f" {w} " for words in _FUNCTION_WORDS.values() for w in words.split()})
_PATTERN_LANGS = [
    tuple(code for code, words in _FUNCTION_WORDS.items() if p.strip() in words.split())
    for p in _PATTERNS
]
_FUNCTION_AUTOMATON = ahocorasick_rs.AhoCorasick(_PATTERNS)


def detect(marked: str, low: str) -> str:
    """ISO 639-1 code of the item's language: "en", "zh", "ja", "ko", "ru", "es", "pt", "it",
    "tr" or "id".

    ``marked`` is the cleaned title + text, ``low`` its normalised lower-case form (same
    offsets): scripts are read from the first, function words from the second.
    """
    head = marked[:_SAMPLE]
    if not head.isascii() and _ANY_SCRIPT.search(head) is not None:
        letters = len(_LATIN_LETTER.findall(head)) or 1
        # one ideograph or syllable block carries about a word: weigh them 4 to 1
        for code, script in (("ko", _HANGUL), ("ja", _KANA), ("zh", _HAN), ("ru", _CYRILLIC)):
            n = len(script.findall(head))
            if n >= 2 and (n * 4 >= letters or (code == "ru" and n * 2 >= letters)):
                if code == "zh" and _KANA.search(head):
                    return "ja"
                return code
    if not head.isascii():
        if "ı" in head or "ğ" in head or "ş" in head or "İ" in head:
            return "tr"
        if "ñ" in head or "¿" in head or "¡" in head:
            return "es"
    sample = low[:_LATIN_SAMPLE]
    if " the " in sample or " and " in sample:
        return EN  # most items: two substring tests instead of the automaton pass
    found = _FUNCTION_AUTOMATON.find_matches_as_indexes(sample, overlapping=True)
    if len(found) < 2:
        return EN
    seen: dict[str, set[int]] = {}
    for pi, _s, _e in found:
        for code in _PATTERN_LANGS[pi]:
            seen.setdefault(code, set()).add(pi)
    best, hits = EN, 1  # two different function words are needed
    for code, words in seen.items():
        if len(words) > hits:
            best, hits = code, len(words)
    return best


# Per language: (word, tier 0-3, label, families). CJK words are found anywhere (no spaces
# between words there); the others at the start of a word, so a stem covers its inflections
# ("токен" -> "токена", "токенов"; "listele" -> "listelendi", "listeleyecek").
_T1, _T2, _T3 = 1, 2, 3
NATIVE: dict[str, tuple[tuple[str, int, str, tuple[str, ...]], ...]] = {
    "zh": (
        ("代币生成事件", _T1, "token generation event", ("token",)),
        ("空投", _T2, "airdrop", ("airdrop",)),
        ("代币", _T3, "token", ("token",)),
        ("通证", _T3, "token", ("token",)),
        ("发币", _T2, "token launch", ("launch",)),
        ("发行", 0, "issue", ("launch",)),
        ("推出", _T2, "launch", ("launch",)),
        ("上线", _T2, "listing", ("debut", "list")),
        ("上市", _T2, "listing", ("debut", "list")),
        ("新币挖矿", _T1, "launchpool", ()),
        ("申领", 0, "claim", ("claim",)),
        ("领取", 0, "claim", ("claim",)),
        ("开放", 0, "open", ("open",)),
        ("开启", 0, "open", ("open",)),
    ),
    "ja": (
        ("エアドロップ", _T2, "airdrop", ("airdrop",)),
        ("エアドロプ", _T2, "airdrop", ("airdrop",)),
        ("トークン発行", _T2, "token issuance", ("launch", "token")),
        ("トークン", _T3, "token", ("token",)),
        ("上場", _T2, "listing", ("debut", "list")),
        ("ローンチ", 0, "launch", ("launch",)),
        ("請求", 0, "claim", ("claim",)),
    ),
    "ko": (
        ("토큰 생성 이벤트", _T1, "token generation event", ("token",)),
        ("에어드랍", _T2, "airdrop", ("airdrop",)),
        ("에어드롭", _T2, "airdrop", ("airdrop",)),
        ("토큰", _T3, "token", ("token",)),
        ("상장", _T2, "listing", ("debut", "list")),
        ("디지털 자산 추가", _T2, "listing", ("debut", "list")),
        ("거래 지원", _T2, "listing", ("debut", "list")),
        ("출시", 0, "launch", ("launch",)),
        ("클레임", 0, "claim", ("claim",)),
        ("청구", 0, "claim", ("claim",)),
        ("오픈", 0, "open", ("open",)),
    ),
    "ru": (
        ("генерации токен", _T1, "token generation", ("token",)),
        ("аирдроп", _T2, "airdrop", ("airdrop",)),
        ("эйрдроп", _T2, "airdrop", ("airdrop",)),
        ("аэрдроп", _T2, "airdrop", ("airdrop",)),
        ("раздач", _T2, "distribution", ("airdrop",)),
        ("токен", _T3, "token", ("token",)),
        ("запуск", _T2, "launch", ("launch",)),
        ("запуст", _T2, "launch", ("launch",)),
        ("листинг", _T2, "listing", ("debut", "list")),
        ("клейм", 0, "claim", ("claim",)),
        ("получ", 0, "claim", ("claim",)),
        ("открыт", 0, "open", ("open",)),
    ),
    "es": (
        ("generación de tokens", _T1, "token generation", ("token",)),
        ("lanzamiento", _T2, "launch", ("launch",)),
        ("lanza", _T2, "launch", ("launch",)),
        ("lanzó", _T2, "launch", ("launch",)),
        ("lanzará", _T2, "launch", ("launch",)),
        ("listará", _T2, "listing", ("debut", "list")),
        ("listado", _T2, "listing", ("debut", "list")),
        ("reclam", 0, "claim", ("claim",)),
        ("abiert", 0, "open", ("open",)),
        ("ficha", _T3, "token", ("token",)),
        ("token de gobernanza", _T2, "governance token", ("token",)),
        ("anunci", _T3, "announces", ()),
        ("revel", _T2, "reveals", ()),
    ),
    "pt": (
        ("lançamento", _T2, "launch", ("launch",)),
        ("lança", _T2, "launch", ("launch",)),
        ("listará", _T2, "listing", ("debut", "list")),
        ("resgat", 0, "claim", ("claim",)),
        ("token de governança", _T2, "governance token", ("token",)),
        ("anunci", _T3, "announces", ()),
        ("revel", _T2, "reveals", ()),
    ),
    "it": (
        ("lancio", _T2, "launch", ("launch",)),
        ("lancia", _T2, "launch", ("launch",)),
        ("quotazione", _T2, "listing", ("debut", "list")),
    ),
    "tr": (
        ("lansman", _T2, "launch", ("launch",)),
        ("piyasaya", _T2, "launch", ("launch",)),
        ("listele", _T2, "listing", ("debut", "list")),
        ("dağıtım", _T2, "distribution", ("airdrop",)),
        ("talep", 0, "claim", ("claim",)),
        ("açıl", 0, "open", ("open",)),
    ),
    "id": (
        ("peluncuran", _T2, "launch", ("launch",)),
        ("meluncurkan", _T2, "launch", ("launch",)),
        ("diluncurkan", _T2, "launch", ("launch",)),
        ("mendistribusikan", _T2, "distribution", ("airdrop",)),
        ("klaim", 0, "claim", ("claim",)),
    ),
}
# Per language: (phrase, negative category of keywords.NEGATIVES): explainers, price moves,
# scams and rumours are as common in these languages as in English.
NATIVE_NEGATIVES: dict[str, tuple[tuple[str, str], ...]] = {
    "zh": (
        ("什么是", "guide"),
        ("指南", "guide"),
        ("教程", "guide"),
        ("科普", "guide"),
        ("上涨", "price"),
        ("下跌", "price"),
        ("暴跌", "price"),
        ("大跌", "price"),
        ("暴涨", "price"),
        ("骗局", "scam"),
        ("诈骗", "scam"),
        ("传闻", "speculation"),
        ("否认", "denial"),
    ),
    "ja": (("とは", "guide"), ("急騰", "price"), ("急落", "price"), ("詐欺", "scam")),
    "ko": (
        ("뭘까", "guide"),
        ("이란", "guide"),
        ("가이드", "guide"),
        ("급등", "price"),
        ("급락", "price"),
        ("하락", "price"),
        ("사기", "scam"),
        ("루머", "speculation"),
    ),
    "ru": (
        ("что такое", "guide"),
        ("руководств", "guide"),
        ("как получить", "guide"),
        ("упал", "price"),
        ("подешев", "price"),
        ("подорож", "price"),
        ("мошенни", "scam"),
        ("слух", "speculation"),
    ),
    "es": (
        ("qué es", "guide"),
        ("guía", "guide"),
        ("todo lo que necesitas saber", "guide"),
        ("precio", "price"),
        ("estafa", "scam"),
        ("rumor", "speculation"),
    ),
    "pt": (
        ("o que é", "guide"),
        ("guia", "guide"),
        ("preço", "price"),
        ("golpe", "scam"),
        ("rumor", "speculation"),
    ),
    "it": (("cos'è", "guide"), ("guida", "guide"), ("prezzo", "price"), ("truffa", "scam")),
    "tr": (
        ("nedir", "guide"),
        ("rehber", "guide"),
        ("fiyat", "price"),
        ("dolandırıcı", "scam"),
    ),
}
_SPACED = {"zh", "ja"}
CJK_LANGUAGES = frozenset({"zh", "ja", "ko"})
# Every code ``detect`` gives, named in words (for a line a reader sees, e.g. the encoder's why)
LANGUAGE_NAMES = {
    "en": "English",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "tr": "Turkish",
    "id": "Indonesian",
}
# CJK characters, kana and Hangul (one set of ranges for `has_cjk` and `latin_bounded`)
_CJK_RANGES = r"\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK_RANGES}]")


def has_cjk(text: str) -> bool:
    """Whether a name holds CJK, kana or Hangul characters (matched apart, see the engine)."""
    return _CJK_CHAR.search(text) is not None


# A word character of a Latin word: Chinese, Japanese and Korean write no space between a
# Latin ticker or name and the text around it ("上线AEON，持有", "Based拟于3月30日进行TGE"),
# and `\b` or `\w` take CJK characters for letters of the word, so the word is not seen there
_CJK_RUN = f"(?-i:[{_CJK_RANGES}])"
# (written with lookarounds on `\w` and the CJK ranges, case-sensitive, not as one class "\w
# but not CJK": Python folds the case of every character of such a class, or builds its
# whole Unicode table, each time a pattern is compiled, and `eval --events` slows fivefold)
_AFTER_LATIN = rf"(?<=\w)(?<!{_CJK_RUN})"  # the character before is a Latin word's
_NOT_AFTER_LATIN = rf"(?:(?<!\w)|(?<={_CJK_RUN}))"
_BEFORE_LATIN = rf"(?=\w)(?!{_CJK_RUN})"  # the character after is a Latin word's
_NOT_BEFORE_LATIN = rf"(?:(?!\w)|(?={_CJK_RUN}))"
LATIN_EDGE = rf"(?:{_AFTER_LATIN}{_NOT_BEFORE_LATIN}|{_NOT_AFTER_LATIN}{_BEFORE_LATIN})"
_NOT_AFTER_WORD = re.compile(r"\(\?<!\[\\w([^\]]*)\]\)")
_NOT_BEFORE_WORD = re.compile(r"\(\?!(?:\[\\w\]|\\w)\)")


def latin_bounded(pattern: str) -> str:
    """A regular expression whose word edges (`\\b`, "not after a word character" `(?<![\\w$])`,
    "not before one" `(?!\\w)`) take CJK characters, kana and Hangul for an edge of a Latin
    word, as a space: "TGE在即" writes "TGE", "上线AEON，" writes "AEON"."""
    pattern = _NOT_AFTER_WORD.sub(
        lambda m: _NOT_AFTER_LATIN + (f"(?<![{m.group(1)}])" if m.group(1) else ""), pattern
    )
    pattern = _NOT_BEFORE_WORD.sub(lambda _m: _NOT_BEFORE_LATIN, pattern)
    return pattern.replace(r"\b", LATIN_EDGE)


def latin_regex(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile` of a pattern whose word edges see CJK text as edges (`latin_bounded`)."""
    return re.compile(latin_bounded(pattern), flags)


# written without spaces: match anywhere, in the original text
_TICKER = re.compile(r"[A-Z][A-Z0-9]{1,9}")
_BRACKETED = re.compile(r"\(([A-Z][A-Z0-9]{1,9})\)")


def native_signals(
    lang: str,
    marked: str,
    cased: str,
    low: str,
    bounds: list[int],
    tiers: tuple[dict[str, int], ...],
    fam_pos: dict[str, list[int]],
    tokens: dict[str, tuple[int, int]],
    symbols: dict[str, Any],
    neg_hits: dict[str, dict[str, int]],
) -> None:
    """Add the language's launch words to ``tiers`` (index 1-3: label -> first sentence) and
    ``fam_pos`` (family -> offsets), in place; a capitalised ticker written right next to a
    native "token" word ("代币 MON", "MON 토큰") joins ``tokens``; its explainer, price, scam
    and rumour phrases join ``neg_hits`` (category -> repr(phrase) -> first sentence)."""
    anywhere = lang in _SPACED or lang == "ko"
    text = marked if anywhere else low
    for phrase, category in NATIVE_NEGATIVES.get(lang, ()):
        i = text.find(phrase if anywhere else " " + phrase)
        if i != -1:
            found = neg_hits.setdefault(category, {})
            found.setdefault(repr(phrase), bisect_right(bounds, i))
    if anywhere and "(" in marked:
        # "모나드(MON)", "Monad（MON）": a watched ticker in brackets is that token, even one
        # the English rules take for an acronym (MON, ATH) there
        for m in _BRACKETED.finditer(marked):
            if m.group(1) in symbols:
                tokens.setdefault(m.group(1), (bisect_right(bounds, m.start()), m.start()))
    words = NATIVE.get(lang, ())
    for word, tier, gloss, fams in words:
        needle = word if anywhere else " " + word
        i = text.find(needle)
        if i == -1:
            continue
        label = f"{word} ({gloss})"
        pos = i if anywhere else i + 1
        if tier and label not in tiers[tier]:
            tiers[tier][label] = bisect_right(bounds, pos)
        while i != -1:
            p = i if anywhere else i + 1
            for fam in fams:
                fam_pos.setdefault(fam, []).append(p)
            if "token" in fams:
                _ticker_beside(cased, bounds, p, len(word), tokens, symbols)
            i = text.find(needle, i + len(needle))


def _ticker_beside(
    cased: str,
    bounds: list[int],
    start: int,
    length: int,
    tokens: dict[str, tuple[int, int]],
    symbols: dict[str, Any],
) -> None:
    """A capitalised ticker right before or after a native token word is that token's
    ("MON 代币", "代币 MON", "токена MON": an inflection may sit between)."""
    j = start
    while j > 0 and start - j < 3 and cased[j - 1] == " ":
        j -= 1
    before = cased[cased.rfind(" ", 0, j) + 1 : j]
    end = start + length
    window = cased[end : end + 14]
    if end + 14 < len(cased) and cased[end + 14] != " ":
        window = window[: window.rfind(" ") + 1]  # never half a word
    for word in (before, *window.split()[:2]):
        if _TICKER.fullmatch(word) and (word in symbols or word not in ACRONYMS):
            tokens.setdefault(word, (bisect_right(bounds, start), start))
            return
