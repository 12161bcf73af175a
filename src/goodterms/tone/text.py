"""Read a message the way the client will: the words they see, without quoted replies and signatures.

`read(text)` returns a `Document`: the text the rules look at (HTML turned into text, quoted reply blocks
and everything after "On … wrote:" left out), where the body ends and the signature starts, sentences,
words and a Flesch-Kincaid grade, and an offset map back to the string the caller gave, so that every span
a rule reports is a valid slice of that string.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar, overload

# ---------------------------------------------------------------------------------------------------------
# Offset maps


class OffsetMap:
    """Maps offsets in a derived text back to the text it was made from.

    The derived text is a row of pieces. A piece copied verbatim maps character by character; a piece put in
    for something else (a newline for `<br>`, "&" for `&amp;`) maps as a whole to what it replaced.
    """

    __slots__ = ("_orig_ends", "_orig_len", "_orig_starts", "_out_ends", "_out_starts", "_verbatim")

    def __init__(self, pieces: list[tuple[int, int, int, int]], orig_len: int) -> None:
        # each piece: (out_start, out_end, orig_start, orig_end)
        self._out_starts = [p[0] for p in pieces]
        self._out_ends = [p[1] for p in pieces]
        self._orig_starts = [p[2] for p in pieces]
        self._orig_ends = [p[3] for p in pieces]
        self._verbatim = [p[1] - p[0] == p[3] - p[2] for p in pieces]
        self._orig_len = orig_len

    @property
    def is_identity(self) -> bool:
        return (
            len(self._out_starts) == 1
            and self._out_starts[0] == 0
            and self._orig_starts[0] == 0
            and self._orig_ends[0] == self._orig_len
            and self._verbatim[0]
        )

    def start(self, i: int) -> int:
        """Where a span that starts at derived offset i starts in the original."""
        k = bisect_right(self._out_starts, i) - 1
        if k < 0:
            return 0
        if i >= self._out_ends[k]:
            return self._orig_ends[k]
        if self._verbatim[k]:
            return self._orig_starts[k] + (i - self._out_starts[k])
        return self._orig_starts[k]

    def end(self, i: int) -> int:
        """Where a span that ends at derived offset i ends in the original."""
        k = bisect_left(self._out_ends, i)
        if k >= len(self._out_ends):
            return self._orig_ends[-1] if self._orig_ends else 0
        if i <= self._out_starts[k]:
            return self._orig_starts[k]
        if self._verbatim[k]:
            return self._orig_starts[k] + (i - self._out_starts[k])
        return self._orig_ends[k]


class _Builder:
    """Collects the pieces of a derived text and its offset map."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parts: list[str] = []
        self.pieces: list[tuple[int, int, int, int]] = []
        self.length = 0

    def copy(self, start: int, end: int) -> None:
        if end <= start:
            return
        if self.pieces:
            out_start, out_end, orig_start, orig_end = self.pieces[-1]
            if orig_end == start and out_end - out_start == orig_end - orig_start:
                self.pieces[-1] = (out_start, out_end + end - start, orig_start, end)
                self.parts.append(self.source[start:end])
                self.length += end - start
                return
        self.pieces.append((self.length, self.length + end - start, start, end))
        self.parts.append(self.source[start:end])
        self.length += end - start

    def put(self, text: str, start: int, end: int) -> None:
        """Put `text` in the derived text in place of source[start:end]."""
        if not text:
            return
        self.pieces.append((self.length, self.length + len(text), start, end))
        self.parts.append(text)
        self.length += len(text)

    def build(self) -> tuple[str, OffsetMap]:
        if not self.pieces:
            self.pieces.append((0, 0, 0, 0))
        return "".join(self.parts), OffsetMap(self.pieces, len(self.source))


# ---------------------------------------------------------------------------------------------------------
# HTML

_LOOKS_LIKE_HTML = re.compile(
    r"<(?:!doctype\s+html|html|head|body|div|p|br|span|table|td|tr|a\s|b|i|u|em|strong|ul|ol|li|h[1-6]|"
    r"blockquote|font|meta|style)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)
_HTML_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|head|title)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<blockquote\b.*?(?:</blockquote\s*>|\Z)"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>"
    r"|<![^<>]*>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});",
    re.DOTALL | re.IGNORECASE,
)
_BLOCK_TAGS = frozenset(
    """address article aside br dd div dl dt footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre
    section table tbody td tfoot th thead tr ul""".split()  # noqa: SIM905 - a word list reads best as words
)
_COLLAPSIBLE = re.compile(r"[ \t\r\n\f\v]+")


def looks_like_html(text: str) -> bool:
    head = text[:20_000]
    if "<" not in head:
        return False
    return len(_LOOKS_LIKE_HTML.findall(head, 0, 20_000)) >= 2 or bool(
        re.search(r"<(?:html|body|!doctype)\b", head, re.IGNORECASE)
    )


def html_to_text(source: str) -> tuple[str, OffsetMap]:
    """The visible text of an HTML body: tags dropped, blocks on their own lines, entities decoded.

    Quoted replies in `<blockquote>` are left out. Runs of source whitespace become one space, as a browser
    shows them.
    """
    out = _Builder(source)
    pos = 0

    def copy_text(start: int, end: int) -> None:
        i = start
        for ws in _COLLAPSIBLE.finditer(source, start, end):
            out.copy(i, ws.start())
            if ws.group() == " ":
                out.copy(ws.start(), ws.end())
            else:
                out.put(" ", ws.start(), ws.end())
            i = ws.end()
        out.copy(i, end)

    for match in _HTML_TOKEN.finditer(source):
        copy_text(pos, match.start())
        pos = match.end()
        token = match.group()
        if token.startswith("&"):
            decoded = html.unescape(token)
            if decoded == token:  # an unknown entity stays as written
                out.copy(match.start(), match.end())
            else:
                out.put(decoded.replace("\xa0", " "), match.start(), match.end())
        elif token[:11].lower() == "<blockquote" or (
            match.group(3) and match.group(3).lower() in _BLOCK_TAGS
        ):
            out.put("\n", match.start(), match.end())
    copy_text(pos, len(source))
    return out.build()


# ---------------------------------------------------------------------------------------------------------
# Quoted replies and signatures

# Everything from one of these lines on is somebody else's text: a reply header, a forwarded message.
_CUT = re.compile(
    r"^[ \t]*(?:"
    r"on\b[^\n]{0,300}?(?:\n[^\n]{0,300}?){0,2}\bwrote:[ \t]*\r?$"
    r"|-{2,}[ \t]*(?:original message|forwarded message)[ \t]*-{2,}"
    r"|_{10,}[ \t]*\r?\n[ \t]*from:"
    r"|begin forwarded message:?"
    r"|from:[^\n]*\r?\n(?:[^\n]*\r?\n){0,2}?[ \t]*(?:sent|date):"
    # Lotus Notes: "----- Forwarded by Name/HOU/ECT on 10/16/2000 -----" and the header block of a reply,
    # "Name@ENRON" or "Name <a@b.com> on 01/01/2001 08:59 PM", perhaps a date line, then "To:" and "cc:".
    r"|-{3,}[ \t]*forwarded by\b"
    r"|(?:[^\n]{0,200}?(?:@|\b\d{1,2}/\d{1,2}/\d{2,4}\b|sent by:|please respond to)[^\n]{0,200}\r?\n"
    r"(?:[ \t]*\r?\n){0,6}){0,4}"
    r"[ \t]*to:[^\n]*\r?\n(?:[^\n]{0,300}\r?\n){0,8}?[ \t]*(?:cc|subject):"
    r")",
    re.IGNORECASE | re.MULTILINE,
)
_QUOTE_LINE = re.compile(r"^[ \t]*>[^\n]*(?:\n|\Z)", re.MULTILINE)
_SIG_DASHES = re.compile(r"^--[ \t]?\r?$", re.MULTILINE)
SIGN_OFFS = (
    "best",
    "best regards",
    "best wishes",
    "all best",
    "all the best",
    "kind regards",
    "kindest regards",
    "warm regards",
    "warmest regards",
    "warm wishes",
    "warmly",
    "regards",
    "many thanks",
    "thanks",
    "thanks again",
    "thanks so much",
    "thank you",
    "thank you again",
    "with thanks",
    "with gratitude",
    "cheers",
    "sincerely",
    "yours",
    "yours sincerely",
    "yours faithfully",
    "yours truly",
    "talk soon",
    "speak soon",
    "take care",
    "respectfully",
    "with best wishes",
    "with appreciation",
    "gratefully",
)
_SIGN_OFF = re.compile(
    r"^[ \t]*(?:" + "|".join(re.escape(s) for s in sorted(SIGN_OFFS, key=len, reverse=True)) + r")"
    r"[ \t]*[,.!—\u2013-]*[ \t]*\r?$",
    re.IGNORECASE | re.MULTILINE,
)
# The same test for one line at a time: no anchors, since fullmatch anchors at pos and endpos.
_SIGN_OFF_LINE = re.compile(_SIGN_OFF.pattern[1:-1], re.IGNORECASE)
_SIGNATURE_LINES = 7  # a sign-off followed by at most this many short lines (name, role, phone) ends the body
_SIGNATURE_LINE_LENGTH = 90


def _signature_start(text: str, end: int) -> int:
    """Where the lines after the last sign-off ("Best,", "Kind regards,") start, or `end` if none."""
    # The same as checking the lines after the last `_SIGN_OFF` match in text[end - 1200:end], but read line
    # by line from the end: most messages stop at the sign-off or at their last sentence.
    window_start = max(0, end - 1200)
    line_end = end
    signature_lines = 0
    while True:
        newline = text.rfind("\n", window_start, line_end)
        if newline >= 0:
            line_start = newline + 1
        elif window_start == 0 or text[window_start - 1] == "\n":
            line_start = window_start
        else:
            return end  # the window starts inside a line, which "^" cannot match
        if _SIGN_OFF_LINE.fullmatch(text, line_start, line_end):
            return line_end
        line = text[line_start:line_end].strip()
        if line:
            # a line under any earlier sign-off: too many or not signature-like means no signature at all
            signature_lines += 1
            if signature_lines > _SIGNATURE_LINES or not _looks_like_signature(line):
                return end
        if newline < 0:
            return end
        line_end = newline


def _looks_like_signature(line: str) -> bool:
    """A name, a role, a phone number or an address; not a question or a sentence of the message."""
    if len(line) > _SIGNATURE_LINE_LENGTH or line.endswith("?"):
        return False
    return not (line.endswith((".", "!")) and len(line.split()) >= 6)


# ---------------------------------------------------------------------------------------------------------
# Words, sentences, syllables

# possessive (same matches: nothing after a run could match its last letters) so the engine keeps no backtrack
WORD = re.compile(r"[^\W_]++(?:['\u2019-][^\W_]++)*+")
# the same pattern for text without "_", where [^\W_] is \w, which the engine checks faster
_WORD_NO_UNDERSCORE = re.compile(r"\w++(?:['\u2019-]\w++)*+")
_LINE_END_PUNCT = frozenset(".!?:;,")
# Runs of end punctuation (not starting inside a run) before whitespace. The pattern starts with the
# punctuation and looks back after it, so the engine can skip to the next ".!?…" instead of trying each
# position.
_SENTENCE_END = re.compile(r"[.!?…](?<![.!?…][.!?…])[.!?…]*+[\"'”\u2019)\]]*+(?=\s|\Z)")
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof st etc e.g i.e eg ie vs approx no inc ltd co jr sr a.m p.m am pm dept est
    fig""".split()  # noqa: SIM905 - a word list reads best as words
)
_BULLET = re.compile(r"[ \t]*(?:[-*•·\u2013]|\d{1,2}[.)])\s")


def _line_breaks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split text[start:end] into blocks at blank lines and at line ends that close a line of their own."""
    blocks: list[tuple[int, int]] = []
    block_start = start
    # split and strip every line once, rather than slicing each line again as the next one's neighbour
    lines = text[start:end].split("\n")
    stripped = [line.strip() for line in lines]
    nl = start - 1
    for i in range(len(lines) - 1):
        nl += len(lines[i]) + 1
        line = stripped[i]
        if (
            not line
            or not stripped[i + 1]
            or line[-1] in _LINE_END_PUNCT
            or len(line) < 50
            or _BULLET.match(lines[i + 1]) is not None
        ):
            blocks.append((block_start, nl))
            block_start = nl + 1
    blocks.append((block_start, end))
    return blocks


def sentence_spans(
    text: str, start: int = 0, end: int | None = None, words: list[str] | None = None
) -> list[tuple[int, int, int]]:
    """Sentences in text[start:end] as (start, end, number of words), trimmed of surrounding whitespace.

    The words themselves are appended to `words` when given: every word of the text is in one sentence.
    """
    if end is None:
        end = len(text)
    if words is None:
        words = []
    spans: list[tuple[int, int, int]] = []
    find_words = WORD.findall if text.find("_", start, end) >= 0 else _WORD_NO_UNDERSCORE.findall

    def add(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            # one findall per sentence is cheaper than match objects for every word (finditer and offsets)
            found = find_words(text, a, b)
            if found:
                spans.append((a, b, len(found)))
                words.extend(found)

    # One scan for sentence ends over all blocks: a block ends at a newline, which no match spans and which
    # satisfies the same lookahead as the block's end would, so the matches are the same as block by block.
    ends = _SENTENCE_END.finditer(text, start, end)
    match = next(ends, None)
    for block_start, block_end in _line_breaks(text, start, end):
        sentence_start = block_start
        while match is not None and (cut := match.end()) <= block_end:
            period = match.start()
            if (
                text[period] != "."
                or not _is_abbreviation(text[max(block_start, period - 6) : period])
                or text[cut : cut + 3].lstrip()[:1].isupper()  # "etc. Then" ends, "e.g. this" goes on
            ):
                add(sentence_start, cut)
                sentence_start = cut
            match = next(ends, None)
        if sentence_start < block_end:  # blank lines are blocks of their own
            add(sentence_start, block_end)
    return spans


def _is_abbreviation(before: str) -> bool:
    """Whether `before` (the characters before a period) ends in an abbreviation ("e.g", "Dr") or a letter."""
    if not before or before[-1].isspace():
        return False  # nothing between the last whitespace and the period
    # the last whitespace-separated piece (str.split uses the same whitespace as the regex \s)
    last_word = before.rsplit(None, 1)[-1].lower().lstrip("(\"'“\u2018")
    return last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha())


_SYLLABLE_CACHE: dict[str, int] = {}
_VOWEL_GROUP = re.compile(r"[aeiouy]+")


def syllables(word: str) -> int:
    """An estimate of the syllables in an English word: vowel groups, less a silent final e (at least 1)."""
    cached = _SYLLABLE_CACHE.get(word)
    if cached is not None:
        return cached
    w = word.lower().replace("\u2019", "'").split("'")[0]
    if not w.isalpha() or not w.isascii() or len(w) <= 3:
        count = 1
    else:
        count = len(_VOWEL_GROUP.findall(w))
        if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
            count -= 1  # make, note, handover's "e" in "ove"
        elif w.endswith(("ed", "es")) and len(w) > 4 and w[-3] not in "aeiouytd" and count > 1:
            count -= 1  # signed, notes (but ended, wanted, closes keep theirs)
        if w.endswith("le") and len(w) > 3 and w[-3] not in "aeiouy" and count == 1:
            count = 2  # simple, able
        count = max(1, count)
    if len(_SYLLABLE_CACHE) < 50_000:
        _SYLLABLE_CACHE[word] = count
    return count


def flesch_kincaid_grade(words: list[str], sentences: int) -> float:
    """Flesch-Kincaid grade (Kincaid et al., 1975): 0.39*words/sentence + 11.8*syllables/word - 15.59."""
    if not words:
        return 0.0
    try:
        total = sum(map(_SYLLABLE_CACHE.__getitem__, words))  # usually every word has been seen before
    except KeyError:
        total = sum(map(syllables, words))
    grade = 0.39 * len(words) / max(1, sentences) + 11.8 * total / len(words) - 15.59
    return round(grade, 1)


# ---------------------------------------------------------------------------------------------------------
# Language

_ENGLISH = frozenset(
    """a about after all also am an and any are as at be because been but by can could did do does for from
    had has have he her here him his how i i'm i'll i've i'd if in into is it it's its just let me more
    my no not now of on or our out please she should so some than thank thanks that the their them then
    there these they this to up us was we we'll we're were what when where which who will with would you
    you're your""".split()  # noqa: SIM905 - a word list reads best as words
)
# Function words of other languages written in Latin script (kept apart from the English ones).
_OTHER = frozenset(
    """de la que el en y los las del se por con para una es al lo como más pero sus le les des et est pour
    dans une pas du au ce qui sur ne avec sont der die das und ist nicht mit sich ein eine zu den dem auf
    für von auch wir ich sie es wie nur noch il di che non per sono della nel alla gli questo het een van
    niet ik je dat voor zijn op te naar não os um uma com mas ao dos das foi está são também nie się jest
    że tak jak yang dan di ini itu dengan untuk tidak dari dalam ve bir bu için ile çok daha ama och att
    inte som för på är med nuestro nuestra todo todos muy gracias hola este esta estoy porque cuando
    muchas mucho hay fue mi tu te merci pour tout nous vous je mon ma votre notre bonjour fin avec danke
    alles hallo dass unser unseren ihr mein dein bis grazie tutto ciao obrigado tudo olá bedankt alles
    hoi tack hej""".split()  # noqa: SIM905 - a word list reads best as words
)


_LOWERED_CACHE: dict[str, str] = {}  # a word as language_of compares it, bounded like _SYLLABLE_CACHE
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_\u0000-\u024f]")


def language_of(words: list[str], text: str) -> str:
    """Say "en", or "unsupported" when a text of a few words or more is plainly another language or script."""
    # without a single non-Latin letter the text cannot be mostly non-Latin: skip counting every letter
    if not text.isascii() and _NON_LATIN_LETTER.search(text) is not None:
        letters = len(_LETTER.findall(text))
        if letters >= 12 and len(_NON_LATIN_LETTER.findall(text)) > letters / 2:
            return "unsupported"
    if len(words) < 6:
        return "en"
    try:
        lowered = list(map(_LOWERED_CACHE.__getitem__, words))  # usually every word has been seen before
    except KeyError:
        lowered = " ".join(words).lower().replace("\u2019", "'").split(" ")
        # the same word by word: no word has a space, and lowercasing looks no further than the word
        if len(_LOWERED_CACHE) < 50_000:
            _LOWERED_CACHE.update(zip(words, lowered, strict=True))
    other = sum(map(_OTHER.__contains__, lowered))
    if other < 3:
        return "en"  # the usual case: no need to count the English words
    english = sum(map(_ENGLISH.__contains__, lowered))
    if other > english * 1.5 and other / len(words) >= 0.12:
        return "unsupported"
    return "en"


# ---------------------------------------------------------------------------------------------------------
# The document


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


_CLOSING = "\"'”\u2019)]"


_T = TypeVar("_T")


class _cached(Generic[_T]):  # lower case: used like functools.cached_property
    """functools.cached_property without its lock: on Python 3.11 the first read of each property takes a lock
    (dropped in 3.12), which costs about a microsecond, several times per message."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self._func = func
        self._name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _cached[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> _T | _cached[_T]:
        if obj is None:
            return self
        # stored in the instance, which then shadows this (non-data) descriptor, as cached_property does
        value = obj.__dict__[self._name] = self._func(obj)
        return value


class Sentence(NamedTuple):
    start: int
    end: int
    words: int


class Document:
    """The text the rules read, and how to get back to the text the caller gave."""

    def __init__(
        self, original: str, text: str, body_end: int, maps: tuple[OffsetMap, ...], notes: tuple[str, ...]
    ) -> None:
        self.original = original
        self.text = text  # what the rules read: quotes and forwarded text left out, signature still in
        self.body_end = body_end  # text[:body_end] is the body; after it, the signature
        self._maps = maps  # applied last to first to get back to the original
        self.notes = notes
        # Work that several rules would each do the same way on this document, done once by the first that
        # needs it (the capitals rules share their runs of capitals). Keys name the rule kind that owns them.
        self.shared: dict[str, Any] = {}

    @_cached
    def lowered(self) -> str:
        return _lower_same_length(self.text)

    @property
    def body(self) -> str:
        return self.text[: self.body_end]

    @_cached
    def words(self) -> list[str]:
        self.sentences  # noqa: B018 - splitting into sentences collects the words on the way
        return self._words

    @_cached
    def sentences(self) -> list[Sentence]:
        self._words: list[str] = []
        return list(map(Sentence._make, sentence_spans(self.text, 0, self.body_end, self._words)))

    @_cached
    def questions(self) -> int:
        text = self.text
        count = 0
        for start, end, _ in self.sentences:
            last = text[end - 1]
            if last in _CLOSING:  # a question may end in a closing quote or bracket
                last = text[start:end].rstrip(_CLOSING)[-1:]
            count += last == "?"
        return count

    @_cached
    def reading_grade(self) -> float:
        return flesch_kincaid_grade(self.words, len(self.sentences))

    @_cached
    def language(self) -> str:
        return language_of(self.words, self.body)

    def body_span(self) -> tuple[int, int]:
        """From the first to the last word of the body (in the text the rules read)."""
        first = WORD.search(self.text, 0, self.body_end)
        if first is None:
            return (0, 0)
        last_start = self.text.rfind(self.words[-1], 0, self.body_end)
        return (first.start(), max(first.end(), last_start + len(self.words[-1])))

    @_cached
    def offsets_unchanged(self) -> bool:
        """Whether offsets in `text` are offsets in the original (nothing before them was left out)."""
        return all(offset_map.is_identity for offset_map in self._maps)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of `text` to a span of the original string (0 <= start <= end <= len(original))."""
        for offset_map in reversed(self._maps):
            if offset_map.is_identity:
                continue
            new_start = offset_map.start(start)
            new_end = offset_map.end(end) if end > start else new_start
            start, end = new_start, max(new_start, new_end)
        size = len(self.original)
        start = min(max(start, 0), size)
        return start, min(max(end, start), size)


def read(original: str) -> Document:
    """Prepare a message for the rules: HTML to text, quoted and forwarded text out, signature found."""
    notes: list[str] = []
    maps: list[OffsetMap] = []
    text = original
    if looks_like_html(original):
        text, html_map = html_to_text(original)
        maps.append(html_map)
        notes.append("The text looked like HTML: the coach read its visible text.")

    cut = len(text)
    quick = (
        "wrote:" in text
        or "---" in text
        or "__" in text
        or "rom:" in text
        or "orwarded" in text
        or "o:" in text
        or "O:" in text
    )
    if quick:
        found = _CUT.search(text)
        if found is not None:
            cut = found.start()
            notes.append("A quoted or forwarded message was left out: only your own words were read.")

    quotes = [m.span() for m in _QUOTE_LINE.finditer(text, 0, cut)] if ">" in text[:cut] else []
    if quotes:
        notes.append('Quoted lines ("> …") were left out.')
    dashes = _SIG_DASHES.search(text, 0, cut) if "--" in text else None

    if quotes or cut < len(text):
        builder = _Builder(text)
        pos = 0
        for q_start, q_end in quotes:
            builder.copy(pos, q_start)
            pos = q_end
        builder.copy(pos, cut)
        cleaned, clean_map = builder.build()
        maps.append(clean_map)
        if dashes is not None:
            # where the "-- " line sits in the cleaned text
            dash_text = text[: dashes.start()]
            removed = sum(
                min(q_end, dashes.start()) - q_start for q_start, q_end in quotes if q_start < dashes.start()
            )
            body_end = len(dash_text) - removed
        else:
            body_end = len(cleaned)
    else:
        cleaned = text
        body_end = dashes.start() if dashes is not None else len(cleaned)

    body_end = _signature_start(cleaned, body_end)
    return Document(original, cleaned, body_end, tuple(maps), tuple(notes))
