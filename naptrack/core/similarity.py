"""How close two texts of a plan are, in the plans' languages: what both the links suggested
between questionnaires and instruments (international/suggestions.py) and the lineage proposed
between two plans' lines (plans/lineage.py) rank by.

The score mixes two measures: a weighted word overlap (rare words, such as "peacekeeping" or
"CEDAW", count more than "women", which every line shares) and rapidfuzz's token set ratio, which
forgives word order and small spelling differences. Words are cut to a five-letter stem so that
"training" meets "trained" and "formation" meets "formations"; an acronym in capitals ("UN
Women") stays a word even where it spells a stopword. It lives here, below every app, because
the plans app needs it too and sits below international.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from rapidfuzz import fuzz

LANGUAGES = ("en", "fr", "nl", "de")
STEM = 5
# The shares of the word overlap and of the token set ratio in the score.
OVERLAP_WEIGHT, RATIO_WEIGHT = 0.7, 0.3

# Words too common to tell two texts apart, in the plans' languages.
_STOPWORD_TEXT = """
a an and are as at be by for from has have how in into is it its of on or that the their this to was
were what which who will with within number numbers per any all other such been being also more
au aux avec ce ces dans de des du elle en est et il ils la le les leur leurs ou par pas pour que qui sa
se ses son sur un une nombre
aan als bij dat de die door een en er het in is met naar of om op te van voor wat welke zijn ze aantal
der die und zu mit fur von im ist
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def words(text: str) -> list[str]:
    """The text's telling words, stemmed, accents dropped, stopwords out."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    found = []
    for word in re.findall(r"[A-Za-z0-9]+", text):
        # An acronym in capitals is a name ("UN Women", "EU"), even where its letters spell a
        # stopword of another language ("un" in French).
        acronym = len(word) > 1 and word.isupper()
        word = word.lower()
        if acronym or (word not in STOPWORDS and len(word) > 1):
            found.append(word[:STEM])
    return found


class Weights:
    """Inverse document frequencies over a collection of texts (each a list of word lists, one
    per language), so that a word every text shares weighs little."""

    def __init__(self, documents: Iterable[Iterable[Iterable[str]]]):
        sets = [{w for texts in document for w in texts} for document in documents]
        n = max(len(sets), 1)
        frequency = Counter(w for words_ in sets for w in words_)
        self.idf = {w: math.log(1 + n / df) for w, df in frequency.items()}
        self.default_idf = math.log(1 + n)

    def overlap(self, query: list[str], text: list[str]) -> float:
        """How much of the query's weight the text holds (0 to 1)."""
        if not query or not text:
            return 0.0
        present = Counter(text)
        wanted = set(query)
        got = sum(self.idf.get(w, self.default_idf) * min(1 + math.log(present[w]), 2) for w in wanted if w in present)
        best = sum(self.idf.get(w, self.default_idf) * 2 for w in wanted)
        return got / best if best else 0.0

    def score(self, query: list[str], texts: list[list[str]]) -> float:
        """The best score of the query against any of the texts (one per language)."""
        joined = " ".join(query)
        best = 0.0
        for text in texts:
            ratio = fuzz.token_set_ratio(joined, " ".join(text)) / 100
            best = max(best, OVERLAP_WEIGHT * self.overlap(query, text) + RATIO_WEIGHT * ratio)
        return best
