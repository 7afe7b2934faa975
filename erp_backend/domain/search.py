"""Ranked search over short catalogue texts: products by name, size, plural, typo and trade
name ("m8 bolts", "8mm washers", "drywal screws", "rawlplugs"); customers by name ("baker and
sons", "the marine supply people").

A text becomes terms: lower case, accents and apostrophes dropped, "&" read as "and", sizes
split ("M8x40" -> 8, 40; "3.5 x 35" -> 3.5, 35; "8mm" -> 8), words stemmed with Snowball
("washers" -> washer), filler and unit words dropped. Each query term is matched in a
document exactly, as two of the document's words written together ("wallplug"), or
fuzzily (rapidfuzz, for words of four letters or more that start with the same letter:
"drywal" -> drywall, but not "baker" -> maker); numbers only exactly. Terms are weighted
by how rare they are in the collection (inverse document frequency), so "m8" counts for
more than "zinc".

A document's relevance is 0.8 x the share of the query it matches plus 0.2 x how little of
its own name the query leaves unsaid: the weight of the name's words the query covers
against that plus the weight of the most distinctive word it does not. Of two products that
both match "m8 bolts" or "m10 bolts", the one whose name adds nothing distinctive (zinc
plated, not stainless A2; hex, not carriage; not nyloc, not wing) comes first: the plain
product is what people mean when they name no variant. Ties go to
the shorter, then the alphabetically first key. Only documents matching some query term are
returned.

Chinese is written without spaces, so a run of Han characters becomes its overlapping
character bigrams ("六角螺栓" -> 六角, 角螺, 螺栓; a run of one character is that character),
matched exactly (no stemming, no typos); a Chinese measure word standing alone ("100根/袋",
"L码") is a unit and dropped. A document may carry a Chinese name beside its name
(`name_zh`): both are matched, and a query with Han characters measures how much of the
name it leaves unsaid against the Chinese name ("m8螺栓": the plain 六角螺栓 M8×40 镀锌
before the 不锈钢 one, as "m8 bolts" gives the zinc one before the stainless one), a query
without against the English name, which keeps English queries exactly as they were.

A query's bigrams that no document contains are mostly bigrams across a word boundary ("要螺"
in "我要螺栓") or words around the product ("我要", "的"): when some of the query's Han text
is in the collection, the rest is left out, so it does not count against every document.
When none of it is, each run of Han characters counts as one unknown word ("水泥", cement:
we do not carry it, and "m8 水泥" matches the M8 products only partly).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

import snowballstemmer
from rapidfuzz import fuzz, process


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say nothing about which product or customer is meant.
FILLER = _words(
    """a an the of for and with to in on at by per from some any all our your my me i we
    need want please pls plz can could you do have got get like about what whats is are how
    much many price cost stock people lot lots those these them that this one ones
    ltd limited plc co company inc"""
)
# Selling units and size units: "25 boxes of m8 bolts" is about bolts, "8mm" about 8.
UNITS = _words(
    """pc pcs piece pieces box boxes bag bags pack packs packet packets pair pairs roll rolls
    can cans bottle bottles cartridge cartridges tube tubes each unit units x mm cm m ml
    metre metres meter meters inch"""
)
# Spellings that mean the same word once written.
SPELLINGS = {
    "st": "saint",
    "galvanized": "galvanised",
    "aluminum": "aluminium",
    "harbour": "harbor",
}

# Chinese measure words and units: a run of one of them alone is a unit ("（100根/袋）",
# "20个", "L码", "200副/盒"); inside a longer run they are part of a word ("角码", "切割片").
HAN_UNITS = frozenset("个件只根条支把片张块袋包盒箱卷瓶桶罐套副双对组台米码")

SIZE = re.compile(r"(?<![a-z])m(?=\d)")  # "m8" -> "8": a metric thread is its diameter
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# Han characters, Simplified or Traditional: the CJK ideographs and their extensions (the
# compatibility ideographs are unified ones once NFKD has decomposed them)
HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
WORD = re.compile(rf"[a-z]+|\d+(?:\.\d+)?|[{HAN}]+")
HAN_START = re.compile(rf"[{HAN}]")

FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 80.0  # rapidfuzz ratio, 0-100
QUERY_SHARE = 0.8


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    text = re.sub("['\u2019`]", "", text).replace("&", " and ")
    text = SIZE.sub("", text)
    return NUMBER.sub(lambda m: f" {m.group().replace(',', '.')} ", text)


def is_han(term: str) -> bool:
    """Whether a term is Chinese (a Han bigram, character or run)."""
    return HAN_START.match(term) is not None


@dataclass(frozen=True)
class _HanRun:
    """A run of Han characters and its terms: the overlapping bigrams, or the character."""

    text: str
    grams: tuple[str, ...]


def _read(text: str) -> list[str | _HanRun]:
    """The terms of a text in order, the terms of each run of Han characters together."""
    stemmer = _stemmer()
    read: list[str | _HanRun] = []
    for word in WORD.findall(_plain(text)):
        if is_han(word):
            if word not in HAN_UNITS:
                grams = (word,) if len(word) == 1 else tuple(map("".join, pairwise(word)))
                read.append(_HanRun(word, grams))
            continue
        word = SPELLINGS.get(word, word)
        if word in FILLER or word in UNITS:
            continue
        read.append(word if word[0].isdigit() else stemmer.stemWord(word))
    return read


def terms(text: str) -> list[str]:
    """The terms of a text in order, as both queries and documents are read."""
    return [
        term
        for piece in _read(text)
        for term in (piece.grams if isinstance(piece, _HanRun) else (piece,))
    ]


def _joined(sequence: Sequence[str]) -> set[str]:
    """Two neighbouring words written as one ("wall plug" is also "wallplug"); not for
    Chinese, whose bigrams already overlap."""
    return {a + b for a, b in pairwise(sequence) if not is_han(a) and not is_han(b)}


@dataclass(frozen=True)
class Document:
    """One searchable thing: `key` names it (a SKU, a customer code); `name` is what it is
    called (its words count towards the share of the name covered); `aliases` are other
    words it is known by (its code, trade names, a city), matched but not required;
    `name_zh` is its name in Chinese, if any: matched, and the name covered for a query with
    Han characters."""

    key: str
    name: str
    aliases: Sequence[str] = ()
    name_zh: str = ""


@dataclass(frozen=True)
class Hit:
    key: str
    relevance: float  # 0..1
    query_share: float  # the share of the query's weight this document matched, 0..1


@dataclass(frozen=True)
class _Query:
    terms: list[str]
    chinese: bool  # it has Han characters
    # (left, middle, right) places in `terms`: a bigram of a run between its two neighbours
    bridges: list[tuple[int, int, int]]


@dataclass
class _Indexed:
    key: str
    name_terms: list[str]
    name_zh_terms: list[str]
    words: set[str] = field(default_factory=set)


class SearchIndex:
    """An inverted index over documents; build once per collection, query many times."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._documents: list[_Indexed] = []
        postings: dict[str, set[int]] = defaultdict(set)
        for position, document in enumerate(documents):
            name_terms = terms(document.name)
            name_zh_terms = terms(document.name_zh)
            alias_terms = [t for alias in document.aliases for t in terms(alias)]
            indexed = _Indexed(document.key, name_terms, name_zh_terms)
            for sequence in (name_terms, name_zh_terms, alias_terms):
                indexed.words.update(sequence)
                indexed.words.update(_joined(sequence))
            self._documents.append(indexed)
            for word in indexed.words:
                postings[word].add(position)
        self._postings = dict(postings)
        # the words a typo may be of: not numbers, not Chinese (matched exactly)
        self._vocabulary = [w for w in self._postings if not w[0].isdigit() and not is_han(w)]
        count = max(len(self._documents), 1)
        self._idf = {w: math.log(1 + count / len(p)) for w, p in self._postings.items()}
        self._unknown_weight = math.log(1 + count)

    def __len__(self) -> int:
        return len(self._documents)

    def _matches(self, term: str) -> dict[str, float]:
        """The index's words a query term matches, with the credit each gives (0..1)."""
        found = {term: 1.0} if term in self._postings else {}
        if term[0].isdigit() or len(term) < FUZZY_MIN_LENGTH or is_han(term):
            return found
        for word, score, _ in process.extract(
            term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=8
        ):
            if word[0] == term[0]:  # a typo seldom changes the first letter
                found.setdefault(word, score / 100.0)
        return found

    def _weight(self, term: str, matches: dict[str, float]) -> float:
        if not matches:
            return self._unknown_weight  # a word we know nothing of still says something
        return max(self._idf[word] for word in matches)

    def _asked(self, query: str) -> _Query:
        """The query's terms. Of its Han terms, those the collection does not contain are
        left out while some are in it; when none is, each run of Han characters is one
        unknown word (see the module's docstring)."""
        pieces = _read(query)
        runs = [piece for piece in pieces if isinstance(piece, _HanRun)]
        known = any(gram in self._postings for run in runs for gram in run.grams)
        asked: list[str] = []
        bridges: list[tuple[int, int, int]] = []
        for piece in pieces:
            if not isinstance(piece, _HanRun):
                asked.append(piece)
            elif not known:
                asked.append(piece.text)
            else:
                at: dict[int, int] = {}  # the run's bigram -> its place among the terms
                for number, gram in enumerate(piece.grams):
                    if gram in self._postings:
                        at[number] = len(asked)
                        asked.append(gram)
                bridges += [
                    (at[n - 1], at[n], at[n + 1]) for n in at if n - 1 in at and n + 1 in at
                ]
        return _Query(asked, bool(runs), bridges)

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        read = self._asked(query)
        asked = read.terms
        if not asked:
            return []
        # a query's two words written apart may be one word of a document ("ear plugs")
        joined = {
            a + b: (i, i + 1)
            for i, (a, b) in enumerate(pairwise(asked))
            if not is_han(a) and not is_han(b)
        }
        per_term = [self._matches(term) for term in asked]
        weights = [
            self._weight(term, matches) for term, matches in zip(asked, per_term, strict=True)
        ]
        total = sum(weights)
        credit: dict[int, list[float]] = defaultdict(lambda: [0.0] * len(asked))
        for index, matches in enumerate(per_term):
            for word, score in matches.items():
                for position in self._postings[word]:
                    row = credit[position]
                    row[index] = max(row[index], score)
        for word, (left, right) in joined.items():
            for position in self._postings.get(word, ()):
                row = credit[position]
                row[left] = row[right] = 1.0
        # a bigram between two a document has is where two of its words meet: "扳手套装"
        # asks for 扳手, 手套 and 套装, and 两用扳手 套装 has no 手套 but is not less meant
        for left, middle, right in read.bridges:
            for row in credit.values():
                row[middle] = max(row[middle], min(row[left], row[right]))
        # a document that matches one number of a query with words and none of its words is no
        # answer ("cat6 cable" is not an M6 nut); a whole size is ("m8x40 setscrews": 8 and
        # 40), and so is any match to a query of numbers alone ("m8")
        words = [i for i, term in enumerate(asked) if not term[0].isdigit()]
        hits = []
        for position, row in credit.items():
            if words and not any(row[i] for i in words) and sum(1 for c in row if c) < 2:
                continue
            share = sum(c * w for c, w in zip(row, weights, strict=True)) / total
            document = self._documents[position]
            relevance = self._relevance(share, document, asked, read.chinese)
            hits.append(Hit(document.key, relevance, share))
        hits.sort(key=lambda h: (-h.relevance, len(h.key), h.key))
        return hits[:limit]

    def _relevance(
        self, share: float, document: _Indexed, asked: list[str], chinese: bool
    ) -> float:
        # the name in the query's language: a query with Han characters is measured
        # against the Chinese name (when there is one), any other against the name
        name = document.name_zh_terms if chinese and document.name_zh_terms else document.name_terms
        if not name:
            return QUERY_SHARE * share
        said = set(asked) | _joined(asked)
        covered = 0.0
        left = 0.0  # the most distinctive word of the name the query did not say
        for term in name:
            weight = self._idf.get(term, self._unknown_weight)
            if term in said or self._near(term, said):
                covered += weight
            else:
                left = max(left, weight)
        return QUERY_SHARE * share + (1 - QUERY_SHARE) * covered / (covered + left)

    @staticmethod
    def _near(word: str, said: set[str]) -> bool:
        if word[0].isdigit() or len(word) < FUZZY_MIN_LENGTH:
            return False
        return any(
            said_word[0] == word[0] and fuzz.ratio(word, said_word) >= FUZZY_CUTOFF
            for said_word in said
        )
