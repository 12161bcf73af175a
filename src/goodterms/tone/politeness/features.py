"""Tokens, politeness strategies and model features of a text: pure Python, shared by training and scoring.

Everything the model sees comes from `extract()`, so the trainer and the run-time scorer cannot drift apart.
The features come in three blocks, each tf-idf weighted (binary term frequency) and L2-normalised on its own:

- `strategy`: the politeness strategies found (`find_strategies`), and no format cues (how the text ends,
  its length): those learn the corpus, not the tone;
- `shape`: 1-3-grams over the tokens with every content word replaced by a placeholder, so that "Could
  you please _ the _ ?" is learnt once, whatever the topic; function words, punctuation and the text start
  are kept;
- `word`: the content words, lower-cased, one at a time; names, numbers and the platforms' jargon are masked.

The words block is the only one that can learn a topic, which is why it holds single words and no n-grams.
The speed of `extract()` matters (the whole tone coach must check thousands of messages a second): it avoids
per-token Python work where a comprehension or a C-level call will do.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container
from itertools import compress, count, repeat
from operator import add, itemgetter, not_
from typing import Final, cast

from goodterms.tone.report import Strategy

# ----------------------------------------------------------------------------------------------------------
# Strategies

#: The closed set of strategy names, each with the sentence shown to the user.
STRATEGY_DESCRIPTIONS: Final[dict[str, str]] = {
    "gratitude": "Thanks the reader (“thanks”, “I appreciate”).",
    "deference": "Praises the reader's work (“great work”, “nice job”).",
    "greeting": "Opens with a greeting (“Hi”, “Hello”, “Dear”).",
    "apologizing": "Apologises or excuses the imposition (“sorry”, “excuse me”).",
    "please": "Says “please” inside the request.",
    "please-start": "Starts a sentence with “Please”, which can read as an order rather than a request.",
    "indirect-request": "Asks rather than tells (“could you”, “would you”, “I was wondering if”).",
    "modal-request": "Asks with “can you” or “will you”: a request, though “could you” reads softer.",
    "counterfactual-modal": "Puts the wish hypothetically (“it would be great if”, “I'd appreciate”).",
    "subjunctive": "Leaves the reader a way out (“if you have time”, “if possible”).",
    "hedge": "Softens a claim (“I think”, “perhaps”, “maybe”, “I suggest”).",
    "first-person-plural": "Speaks of a shared effort (“we”, “our”, “let's”).",
    "positive-lexicon": "Uses warm words (“glad”, “helpful”, “happy to”).",
    "direct-question": "Starts with a bare question word (“Why…?”, “What…?”): it can sound like a challenge.",
    "direct-start": "Starts a sentence with “So”, “But”, “Now” or “Look”: it can sound abrupt or curt.",
    "second-person-start": "Starts a sentence with “You”, which can sound like an accusation.",
    "imperative": "Starts with a bare command (“Fix…”, “Send…”, “Stop…”).",
    "factuality": "Insists on facts (“in fact”, “actually”, “the point is”, “as I said”): it can sound curt.",
    "urgency": "Presses for speed (“ASAP”, “immediately”, “right now”).",
    "negative-lexicon": "Uses a negative or loaded word (“wrong”, “ridiculous”, “useless”).",
}

#: Whether each strategy tends to make a request read as more polite (True) or less (False).
STRATEGY_POLITE: Final[dict[str, bool]] = {
    "gratitude": True,
    "deference": True,
    "greeting": True,
    "apologizing": True,
    "please": True,
    "please-start": False,
    "indirect-request": True,
    "modal-request": True,
    "counterfactual-modal": True,
    "subjunctive": True,
    "hedge": True,
    "first-person-plural": True,
    "positive-lexicon": True,
    "direct-question": False,
    "direct-start": False,
    "second-person-start": False,
    "imperative": False,
    "factuality": False,
    "urgency": False,
    "negative-lexicon": False,
}

# Each strategy is a list of token patterns, separated by ";". In a pattern, "a|b" is one token out of
# several, a trailing "?" makes the token optional, and a leading ">" marks a token that must follow but is
# not part of the strategy's span. Tokens are lower-cased; "i'm" and "don't" are one token each. The name "-"
# marks phrases that are *not* the strategy their first word suggests ("how about", "do you"): being longer,
# they win over it.
#
# The first table is matched only at the start of a sentence, the second anywhere. At each token the longest
# pattern wins (the sentence-start table on a tie), and the search goes on after the words it matched.
_AT_SENTENCE_START: Final[tuple[tuple[str, str], ...]] = (
    ("please-start", "please|pls|plz|kindly"),
    # "Please find attached", "Please let me know": in business mail the stock openers of a courteous note,
    # not orders; they count as "please" (the sentence-start table wins on a tie, and these are longer).
    (
        "please",
        "please|kindly >find|see|let|note|advise|feel|call|review|forward|contact|confirm|sign|join|accept"
        "|allow|print|reply|respond|share|check",
    ),
    ("greeting", "hi|hello|hey|hiya|howdy|dear|greetings|hallo; good morning|afternoon|evening|day"),
    (
        "direct-question",
        "why|what|who|whom|whose|where|when|which|how|what's|who's|where's|how's|whats|hows",
    ),
    (
        "-",
        "how about; how are|were you|things; how's|how is it going; how is|how's everything;"
        " how have you been; how was your; what a",
    ),
    ("direct-start", "so|but|and|then|now|look|listen|or|anyway|besides"),
    ("-", "so glad|happy|sorry|much|many|far|thanks|thank; now that; and thanks|thank"),
    ("second-person-start", "you|your|yours|u|ur|you're|you've|you'd|you'll|youre|yourself"),
    (
        "imperative",
        "fix|stop|give|tell|explain|change|remove|delete|send|read|go|make|get|put|quit|answer|revert|undo|show"
        "|provide|respond|reply|write|finish|pay|update|do|don't|dont|check|leave|move|cut|drop|learn",
    ),
    (
        "-",
        "do|don't|dont you|u|we|they|i; look forward|>like; check out; go ahead; get well;"
        " don't|dont worry|hesitate",
    ),
)
_ANYWHERE: Final[tuple[tuple[str, str], ...]] = (
    ("please", "please|pls|plz|kindly"),
    (
        "gratitude",
        "thank|thanks|thankyou|thanx|thx|tia|appreciate|appreciated|appreciates|appreciating|appreciation"
        "|appreciative|grateful|gratitude; thank you|u",
    ),
    (
        "deference",
        "really? great|good|nice|excellent|wonderful|fantastic|awesome|amazing|impressive|brilliant|terrific"
        "|superb|outstanding|solid|lovely work|job|point|question|idea|suggestion|catch|find|effort|article"
        "|edit|edits|writing|answer|post|call|design|contribution|contributions|stuff|photo|photos|picture|pictures;"
        " well|nicely done; kudos|congratulations|congrats|bravo; hats off",
    ),
    (
        "greeting",
        "i? hope you are doing? well|good|fine|great; i? hope you're|youre doing? well|good|fine|great;"
        " i? hope this|all is well; i? hope this finds you well",
    ),
    (
        "apologizing",
        "sorry|apology|apologies|apologize|apologise|apologized|apologised|apologizing|apologising|pardon;"
        " excuse|forgive me; my bad|mistake|fault",
    ),
    (
        "counterfactual-modal",
        "would be great|nice|good|helpful|wonderful|ideal|lovely|useful|best|better|appreciated"
        "|awesome|fantastic|fine; i would appreciate|like|love|prefer; i'd appreciate|like|love|prefer;"
        " i would be grateful|glad|happy|thankful|delighted; i'd be grateful|glad|happy|thankful|delighted;"
        " would it|that be",
    ),
    (
        "indirect-request",
        "could|would you|u; would|do you mind; is it possible; is there any way|chance; any chance;"
        " i was|am wondering; i'm|im wondering; i wonder|wondered if|whether; wondering if|whether",
    ),
    ("modal-request", "can|will you|u"),
    (
        "subjunctive",
        "if you|u could|would|can|may; if you|u are able; if you|u have the? time;"
        " if you|u have a moment|minute|second|chance; if you|u get a|the chance;"
        " if you|u don't|dont|wouldn't mind; if you|u do not mind; if possible|convenient;"
        " if it's|its possible|convenient|okay|ok|alright; if it is possible|convenient|okay|ok;"
        " if it's|its not too much trouble; if it is not too much trouble;"
        " when|whenever you|u have|get a|the? moment|minute|chance|second|time; at your convenience",
    ),
    (
        "hedge",
        "i think|believe|guess|suppose|suspect|feel|assume|reckon|suggest; i'm|im not sure; not sure;"
        " perhaps|maybe|possibly|probably|presumably|apparently|somewhat|might|imho|imo;"
        " suggest|suggestion|suggestions;"
        " it seems; seems|seem like|to; sort|kind of; in my opinion|view; as far as i know|understand;"
        " if i'm not mistaken; i may|might be wrong",
    ),
    (
        "factuality",
        "in fact; actually|obviously|clearly|frankly|honestly|evidently; point|fact|truth|reality is;"
        " of course; as a matter of fact; in reality; to be honest|frank;"
        " as i|i've already? said|mentioned|stated|explained;"
        " as i have already? said|mentioned|stated|explained",
    ),
    ("urgency", "asap|immediately|urgent|urgently|pronto; right now|away; at once"),
    ("first-person-plural", "we|us|our|ours|ourselves|let's|lets|we're|we've|we'd|we'll; let us"),
    (
        "negative-lexicon",
        "wrong|bad|badly|worse|worst|stupid|ridiculous|nonsense|absurd|silly|idiot|idiots|idiotic|dumb|pathetic"
        "|useless|terrible|awful|horrible|incompetent|lazy|rude|annoying|annoyed|angry|hate|hated|ugly|fail|failed"
        "|failure|mess|messed|garbage|crap|crappy|damn|hell|shit|bullshit|fuck|fucking|fucked|insane|crazy|liar"
        "|lie|lies|lying|fake|unacceptable|unprofessional|disappointed|disappointing|outrageous|vandal|vandals"
        "|vandalism|attack|attacks|attacking|abuse|abusive|harass|harassed|harassing|harassment|offensive|blame"
        "|careless|sloppy|waste|wasted|wasting|pointless|unfair|biased|bias|false|lame|sucks|seriously|ignorant"
        "|ignore|ignored|ignoring|never|whatever|wtf",
    ),
    (
        "positive-lexicon",
        "great|good|nice|excellent|wonderful|fantastic|awesome|amazing|helpful|happy|glad|pleased|love|loved|lovely"
        "|welcome|kind|enjoy|enjoyed|perfect|brilliant|beautiful|cool|best|interesting|impressive|pleasure"
        "|delighted|excited|hope|hoping|interested|willing|friendly|fair|useful|valuable|fine|super|terrific|superb",
    ),
)


class _Node:
    """A node of a token trie; `name` is set where a pattern ends ("-" for a phrase that is no strategy)."""

    __slots__ = ("children", "length", "name")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.name: str | None = None
        self.length = 0  # how many of the matched tokens the strategy's span covers


def _expand(pattern: str) -> list[tuple[list[str], int]]:
    """Every token sequence a pattern stands for, each with the number of tokens its span covers."""
    sequences: list[tuple[list[str], int]] = [([], 0)]
    for slot in pattern.split():
        lookahead = slot.startswith(">")
        optional = slot.endswith("?")
        words = slot.strip(">?").split("|")
        grown = [
            ([*tokens, word], covered + (0 if lookahead else 1))
            for tokens, covered in sequences
            for word in words
        ]
        sequences = sequences + grown if optional else grown
    return sequences


def _build_trie(table: tuple[tuple[str, str], ...]) -> dict[str, _Node]:
    root = _Node()
    for name, patterns in table:
        if name != "-" and name not in STRATEGY_DESCRIPTIONS:
            raise ValueError(f"undocumented strategy {name!r}")
        for pattern in patterns.split(";"):
            for tokens, covered in _expand(pattern):
                node = root
                for token in tokens:
                    node = node.children.setdefault(token, _Node())
                if node.name is not None and node.name != name:
                    raise ValueError(f"{' '.join(tokens)!r} is both {node.name!r} and {name!r}")
                node.name = name
                node.length = covered
    return root.children


_START_TRIE: Final = _build_trie(_AT_SENTENCE_START)
_ANYWHERE_TRIE: Final = _build_trie(_ANYWHERE)
# The tokens that can open a pattern of either table: any other token is skipped without a Python-level step.
_FIRST_TOKENS: Final = frozenset(_START_TRIE) | frozenset(_ANYWHERE_TRIE)

#: Strategy names, in the order of STRATEGY_DESCRIPTIONS.
STRATEGY_NAMES: Final[tuple[str, ...]] = tuple(STRATEGY_DESCRIPTIONS)


def _longest(node: _Node | None, lowered: list[str], index: int) -> tuple[_Node | None, int]:
    """The longest pattern from `node` (the trie node of token `index`), and how many tokens it spans."""
    if node is not None and not node.children:  # a one-token pattern (most are): no walk needed
        return node, 1
    best: _Node | None = None
    best_tokens = 0
    position = index
    count = len(lowered)
    while node is not None:
        position += 1
        if node.name is not None:
            best, best_tokens = node, position - index
        if position == count:
            break
        node = node.children.get(lowered[position])
    return best, best_tokens


def _strategies(matches: list[re.Match[str]], lowered: list[str]) -> list[Strategy]:
    found: list[Strategy] = []
    resume = 0  # tokens before this one belong to a strategy found already
    sentence_end = _SENTENCE_END
    # Only the few tokens that can open a pattern need Python-level work: pick them out at C speed.
    for index in compress(count(), map(_FIRST_TOKENS.__contains__, lowered)):
        if index < resume:
            continue
        low = lowered[index]
        starts_sentence = index == 0 or lowered[index - 1] in sentence_end
        first = _ANYWHERE_TRIE.get(low)
        if first is not None:
            node, tokens = _longest(first, lowered, index)
        elif starts_sentence:
            node, tokens = None, 0
        else:
            continue  # opens a sentence-start pattern only, and this is no sentence start
        first = _START_TRIE.get(low) if starts_sentence else None
        if first is not None:
            start_node, start_tokens = _longest(first, lowered, index)
            if start_node is not None and start_tokens >= tokens:
                node = start_node
        if node is None or node.name == "-":
            continue
        name = node.name
        assert name is not None  # narrows the type: checked just above
        last = matches[index + node.length - 1]
        found.append(Strategy(name, matches[index].start(), last.end(), STRATEGY_POLITE[name]))
        resume = index + node.length
    return found


# ----------------------------------------------------------------------------------------------------------
# Tokens

#: Stands for a line break among the tokens.
LINE_BREAK: Final = "¶"
#: Marks the start of the text in the `shape` block.
TEXT_START: Final = "^"

# One-for-one replacements, so that offsets into the normalised text are offsets into the original.
_NORMALISE: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\n": LINE_BREAK})

# Word characters and the combining marks that `\w` leaves out (accents typed apart, Hebrew or Arabic points).
_WORD: Final = (
    "[\\w\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
    "\u064b-\u065f\u0670\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
# Words and numbers (with inner apostrophes), sentence punctuation, line breaks, and "<url>", the corpus's
# placeholder for a link.
_TOKEN_RE: Final = re.compile(f"{_WORD}(?:'{_WORD})*|[?!.,;:{LINE_BREAK}]|<url>")
_SENTENCE_END: Final = frozenset({"?", "!", ".", LINE_BREAK})
_group = itemgetter(0)
# _NORMALISE as (old, new) pairs: str.replace is far faster than str.translate with a non-ASCII table, and
# the same since every replacement is one character for one.
_REPLACEMENTS: Final = tuple((chr(old), new) for old, new in _NORMALISE.items())


#: A text's tokens: the match of each, each as written, each lower-cased (what `scan()` returns).
Scan = tuple[list[re.Match[str]], list[str], list[str]]


def scan(text: str) -> Scan:
    """The tokens of `text`, for `extract()` and `words_with_spans()`: an explanation reads the text once."""
    for old, new in _REPLACEMENTS:
        if old in text:
            text = text.replace(old, new)
    matches = list(_TOKEN_RE.finditer(text))
    tokens: list[str] = list(map(_group, matches))
    return matches, tokens, list(map(str.lower, tokens))


def find_strategies(text: str) -> tuple[Strategy, ...]:
    """The politeness strategies in `text`, in order, each with the character offsets of its words."""
    matches, _tokens, lowered = scan(text)
    return tuple(_strategies(matches, lowered))


def tokenize(text: str) -> list[str]:
    """Word, number and punctuation tokens as written; line breaks become `LINE_BREAK`."""
    return scan(text)[1]


# ----------------------------------------------------------------------------------------------------------
# Features

#: Words kept as they are in the `shape` block: pronouns, determiners, auxiliaries and modals, prepositions,
#: conjunctions, question words, and the small words that carry tone. Every other word becomes a placeholder.
FUNCTION_WORDS: Final[frozenset[str]] = frozenset(
    """
    i me my mine myself we us our ours ourselves you your yours yourself yourselves u ur he him his she her
    hers it its itself they them their theirs one someone anyone everyone somebody anybody something anything
    everything nothing this that these those a an the some any no every each all both either neither another
    other such same own more most much many few less least several enough
    is are was were be been being am do does did done doing have has had having can could will would shall
    should may might must ought need
    i'm i've i'd i'll you're you've you'd you'll we're we've we'd we'll he's she's it's they're they've they'd
    that's there's here's what's who's how's where's let's isn't aren't wasn't weren't don't doesn't didn't
    haven't hasn't hadn't can't couldn't won't wouldn't shouldn't mustn't im dont cant
    not nor and or but so if then than because since as while although though unless until whether however
    also too just only even still yet already again ever never always often sometimes usually really very
    quite rather pretty almost
    of in on at to for from with by about into onto over under after before between through during without
    within against among around up down out off away back
    what why who whom whose how where when which
    there here now today soon later
    please pls thanks thank sorry hi hello hey dear welcome regards cheers
    yes yeah yep no nope ok okay oh ah well hmm
    maybe perhaps probably possibly actually indeed apparently clearly obviously seriously exactly
    think guess suppose believe wonder wondering hope feel seems seem mean sure know see
    help like want wanted mind appreciate appreciated great good nice fine glad happy
    """.split()  # noqa: SIM905 - a word list reads better as prose than as hundreds of quoted strings
)

#: Words of Wikipedia's own business, masked in every block: on the training corpus they tell the topic of a
#: request rather than its tone, and they would not carry over to a client e-mail.
JARGON: Final[frozenset[str]] = frozenset(
    """
    wikipedia wiki wikiproject wikipedian wikipedians article articles edit edits edited editing editor
    editors admin admins administrator administrators talk userpage sock sockpuppet sockpuppets vandal
    vandalism revert reverted reverting reverts afd rfa fa fac ga gan dyk barnstar template templates infobox
    category categories stub stubs sandbox bot bots wp mos npov pov blp
    """.split()  # noqa: SIM905 - as above
)

#: Words of StackExchange's business and words whose weight on the corpora is about the platform, not the tone
#: ("See WP:…", "deal", "consensus"…); masked in the words block like JARGON.
PLATFORM: Final[frozenset[str]] = frozenset(
    """
    question questions answer answers answered answering post posts posted posting vote votes voted upvote
    downvote upvoted downvoted comment comments tag tags tagged site sites meta moderator moderators mod mods
    thread threads stackoverflow stack exchange se so code snippet compile compiler error errors bug bugs
    link links url page pages user users username deal summary consensus desk fair let see attached attach
    discussion source sources reference references policy policies guideline guidelines image images file
    files upload uploaded delete deleted deletion move moved merge merged proposal propose proposed
    """.split()  # noqa: SIM905 - as above
)

#: Words of the offers' business (buying a used phone) and of money: masked in the words block like JARGON.
#: Warm and tough offers alike are about price and payment, so the words learnt the offers' topic as a
#: shift of all the offers ("offer" and "sell" at the weight bound), and would have read any message that
#: talks about an invoice or a price as curt.
TRADE: Final[frozenset[str]] = frozenset(
    """
    offer offers offered offering sell selling sold buy buying bought purchase purchased purchasing cash price
    prices priced pricing phone phones iphone item items condition craigslist ad ads listing listed money
    dollar dollars pay paid paying payment
    """.split()  # noqa: SIM905 - as above
)

#: The feature blocks, in the order `extract()` returns them.
BLOCKS: Final[tuple[str, ...]] = ("strategy", "shape", "word")

_PLACEHOLDER: Final = "_"
# Kept in the shape block: the function words, punctuation, line breaks and the corpus's URL placeholder.
_KEPT: Final = FUNCTION_WORDS | {"?", "!", ".", ",", ";", ":", LINE_BREAK, "<url>"}


Features = tuple[list[str], list[str], list[str]]

_MARKS: Final = frozenset({"?", "!"})
_END: Final = "."
# Left out of the words block: what the shape block keeps, and the masked vocabularies.
_NOT_WORDS: Final = (
    FUNCTION_WORDS | JARGON | PLATFORM | TRADE | {"?", "!", ".", ",", ";", ":", LINE_BREAK, "<url>"}
)

# Each token's symbol in the shape block, remembered: words repeat across texts, and a dict lookup per token
# at C speed beats the checks below. Bounded, so that an endless stream of new words cannot grow it forever.
_SHAPES: Final[dict[str, str]] = {}
_SHAPES_LIMIT: Final = 100_000


def _shape_of(token: str, low: str) -> str:
    """The symbol of `token` (lower-cased: `low`) in the shape block."""
    if low in _KEPT:
        symbol = low
    elif low[0].isdigit():
        symbol = "0"
    elif len(token) > 1 and token.isupper():
        symbol = "CAPS"
    else:
        symbol = _PLACEHOLDER
    if len(_SHAPES) < _SHAPES_LIMIT:
        _SHAPES[token] = symbol
    return symbol


def extract(text: str, scanned: Scan | None = None) -> tuple[list[Strategy], Features]:
    """The strategies found in `text` and its features, one list per block of `BLOCKS` (repeats kept).

    `scanned` is `scan(text)`, when the caller has it already.
    """
    matches, tokens, lowered = scanned if scanned is not None else scan(text)
    strategies = _strategies(matches, lowered)
    cues = [strategy.name for strategy in strategies]
    # No format cues (how the text ends, its length, its sentence count): every training request is two
    # sentences ending in "?", so such cues learn the corpus, not the tone, and penalise ordinary mail.
    # A sentence's first token follows the punctuation that ended the sentence before, or TEXT_START.
    symbols: list[str | None] = [TEXT_START]
    symbols += map(_SHAPES.get, tokens)  # None for a token not seen yet, filled in below
    if None in symbols:
        for index in compress(count(), map(not_, symbols)):
            symbols[index] = _shape_of(tokens[index - 1], lowered[index - 1])  # symbols[0] is TEXT_START
    shape = cast("list[str]", symbols)  # no None left
    if "?" in shape or "!" in shape:  # one end mark for all: "?" would learn the corpus's format
        shape = [_END if symbol in _MARKS else symbol for symbol in shape]
    # n-grams by C-level concatenation: "a " + "b", then "a " + "b c". Up to three: 4-grams added nothing
    # held out (Wikipedia->StackExchange the same, StackExchange->Wikipedia 78.0% -> 78.5% without them) and
    # cost a quarter of the block's lookups.
    spaced = list(map(add, shape, repeat(" ")))
    shape2 = list(map(add, spaced, shape[1:]))
    shape3 = list(map(add, spaced, shape2[1:]))
    # Content words only, lower-cased: function words and sentence marks are the shape block's, and the
    # platforms' own vocabulary (Wikipedia's and StackExchange's business, mail's "see attached", the offers'
    # money) is masked.
    # Capitalised words inside a sentence are names ("Thanks, Mike"), of people or places: left out too, and
    # so are numbers (prices, dates, times: the topic of a message; the shape block keeps them as "0").
    word = [
        low
        for previous, token, low in zip([LINE_BREAK, *lowered], tokens, lowered, strict=False)
        if low not in _NOT_WORDS
        and (previous in _SENTENCE_END or not token[:1].isupper())
        and not low[0].isdigit()
    ]
    return strategies, (cues, shape + shape2 + shape3, word)


def words_with_spans(
    text: str, scanned: Scan | None = None, among: Container[str] | None = None
) -> list[tuple[str, int, int]]:
    """The words block's words of `text`, each with its character span (for explanations only).

    `scanned` is `scan(text)`, when the caller has it already; with `among`, only the words in it are given
    (the other tokens are passed over at C speed).
    """
    matches, tokens, lowered = scanned if scanned is not None else scan(text)
    found = []
    indexes = range(len(tokens)) if among is None else compress(count(), map(among.__contains__, lowered))
    for index in indexes:
        low = lowered[index]
        previous = lowered[index - 1] if index else LINE_BREAK
        if (
            low not in _NOT_WORDS
            and (previous in _SENTENCE_END or not tokens[index][:1].isupper())
            and not low[0].isdigit()
        ):
            match = matches[index]
            found.append((low, match.start(), match.end()))
    return found


def _phrases(trie: dict[str, _Node], prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str, int]]:
    found = []
    for token, node in sorted(trie.items()):
        if node.name is not None:
            found.append(((*prefix, token), node.name, node.length))
        found += _phrases(node.children, (*prefix, token))
    return found


def fingerprint() -> str:
    """A digest of what decides the features; the trained model records the one it was trained with."""
    parts = (
        BLOCKS,
        _phrases(_START_TRIE),
        _phrases(_ANYWHERE_TRIE),
        sorted(FUNCTION_WORDS),
        sorted(JARGON),
        sorted(PLATFORM),
        sorted(TRADE),
        "no-format-cues:v2",
        "no-numbers-in-words:v1",
        "shape-up-to-3-grams:v1",
        _TOKEN_RE.pattern,
        sorted(_NORMALISE.items()),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
