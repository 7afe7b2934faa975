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

SIZE = re.compile(r"(?<![a-z])m(?=\d)")  # "m8" -> "8": a metric thread is its diameter
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")

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


def terms(text: str) -> list[str]:
    """The terms of a text in order, as both queries and documents are read."""
    words = [SPELLINGS.get(w, w) for w in WORD.findall(_plain(text))]
    kept = [w for w in words if w not in FILLER and w not in UNITS]
    stemmer = _stemmer()
    return [w if w[0].isdigit() else stemmer.stemWord(w) for w in kept]


@dataclass(frozen=True)
class Document:
    """One searchable thing: `key` names it (a SKU, a customer code); `name` is what it is
    called (its words count towards the share of the name covered); `aliases` are other
    words it is known by (its code, trade names, a city), matched but not required."""

    key: str
    name: str
    aliases: Sequence[str] = ()


@dataclass(frozen=True)
class Hit:
    key: str
    relevance: float  # 0..1
    query_share: float  # the share of the query's weight this document matched, 0..1


@dataclass
class _Indexed:
    key: str
    name_terms: list[str]
    words: set[str] = field(default_factory=set)


class SearchIndex:
    """An inverted index over documents; build once per collection, query many times."""

    def __init__(self, documents: Iterable[Document]) -> None:
        self._documents: list[_Indexed] = []
        postings: dict[str, set[int]] = defaultdict(set)
        for position, document in enumerate(documents):
            name_terms = terms(document.name)
            alias_terms = [t for alias in document.aliases for t in terms(alias)]
            indexed = _Indexed(document.key, name_terms)
            for sequence in (name_terms, alias_terms):
                indexed.words.update(sequence)
                # two words written as one: "wall plug" is also "wallplug"
                indexed.words.update(a + b for a, b in pairwise(sequence))
            self._documents.append(indexed)
            for word in indexed.words:
                postings[word].add(position)
        self._postings = dict(postings)
        self._vocabulary = [w for w in self._postings if not w[0].isdigit()]
        count = max(len(self._documents), 1)
        self._idf = {w: math.log(1 + count / len(p)) for w, p in self._postings.items()}
        self._unknown_weight = math.log(1 + count)

    def __len__(self) -> int:
        return len(self._documents)

    def _matches(self, term: str) -> dict[str, float]:
        """The index's words a query term matches, with the credit each gives (0..1)."""
        found = {term: 1.0} if term in self._postings else {}
        if term[0].isdigit() or len(term) < FUZZY_MIN_LENGTH:
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

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        asked = terms(query)
        if not asked:
            return []
        # a query's two words written apart may be one word of a document ("ear plugs")
        joined = {a + b: (i, i + 1) for i, (a, b) in enumerate(pairwise(asked))}
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
        hits = []
        for position, row in credit.items():
            share = sum(c * w for c, w in zip(row, weights, strict=True)) / total
            document = self._documents[position]
            hits.append(Hit(document.key, self._relevance(share, document, asked), share))
        hits.sort(key=lambda h: (-h.relevance, len(h.key), h.key))
        return hits[:limit]

    def _relevance(self, share: float, document: _Indexed, asked: list[str]) -> float:
        name = document.name_terms
        if not name:
            return QUERY_SHARE * share
        said = set(asked) | {a + b for a, b in pairwise(asked)}
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
