"""Likely matches for many unmapped lines over a big catalogue (the mapping screen).

:func:`ecerp_desktop.domain.mapping.suggest` compares a line with every active SKU, which is
right for a handful of SKUs and far too slow for a page of lines over 100,000 of them.
:class:`SuggestIndex` is built once from the catalogue and answers the same question from
an n-gram index: the SKUs sharing the rarest grams with the line are the candidates, and
only they are scored with :mod:`difflib`, as ``suggest`` scores every SKU.

- Codes: trigrams of the code in upper case with everything but letters and digits
  removed ("tea-1" and "TEA 1" look alike), scored by the similarity of the two codes
  (cutoff 0.6, as ``suggest``).
- Names: character bigrams (Chinese titles have no spaces), scored by the better of the
  similarity of title and name (cutoff 0.4, as ``suggest``) and the share of the name's
  bigrams found in the title (cutoff 0.6: a long platform title that contains our short
  name is a match ``suggest`` misses).

Pure and immutable once built: any thread may use one index.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable

from ecerp_desktop.domain.mapping import LineRef, SkuInfo, norm_code

CODE_CUTOFF = 0.6
NAME_CUTOFF = 0.4
COVER_CUTOFF = 0.6
CANDIDATES = 40  # scored per line and kind
POSTING_BUDGET = 60_000  # postings counted per line and kind (the rarest grams first)

_NOT_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def _code_key(code: str) -> str:
    return _NOT_ALNUM.sub("", norm_code(code))


def _grams(text: str, n: int) -> set[str]:
    if len(text) <= n:
        return {text} if text else set()
    return {text[i:i + n] for i in range(len(text) - n + 1)}


def _name_key(name: str) -> str:
    return _NOT_ALNUM.sub("", name.casefold())


class SuggestIndex:
    """An n-gram index of the active SKUs' codes and names."""

    __slots__ = (
        "_by_code_gram",
        "_by_name_gram",
        "_code_keys",
        "_codes",
        "_name_keys",
        "_names",
    )

    def __init__(self, skus: Iterable[SkuInfo]) -> None:
        self._codes: list[str] = []
        self._names: list[str] = []
        self._code_keys: list[str] = []
        self._name_keys: list[str] = []
        by_code: dict[str, list[int]] = {}
        by_name: dict[str, list[int]] = {}
        for info in skus:
            if not info.active:
                continue
            i = len(self._codes)
            self._codes.append(info.code)
            self._names.append(info.name)
            ck, nk = _code_key(info.code), _name_key(info.name)
            self._code_keys.append(ck)
            self._name_keys.append(nk)
            for g in _grams(ck, 3):
                by_code.setdefault(g, []).append(i)
            for g in _grams(nk, 2):
                by_name.setdefault(g, []).append(i)
        self._by_code_gram = by_code
        self._by_name_gram = by_name

    def __len__(self) -> int:
        return len(self._codes)

    def suggest(self, line: LineRef, limit: int = 3) -> tuple[str, ...]:
        """Likely SKU codes for *line*: close codes first, then close names."""
        out: list[str] = []
        code = _code_key(line.merchant_sku_code)
        if code:
            scored = []
            for i in self._candidates(self._by_code_gram, _grams(code, 3)):
                r = difflib.SequenceMatcher(None, code, self._code_keys[i]).ratio()
                if r >= CODE_CUTOFF:
                    scored.append((-r, self._codes[i]))
            out += [c for _, c in sorted(scored)[:limit]]
        title = _name_key(line.title[:200])
        if len(out) < limit and title:
            grams = _grams(title, 2)
            scored = []
            for i in self._candidates(self._by_name_gram, grams):
                name = self._name_keys[i]
                if not name:
                    continue
                own = _grams(name, 2)
                cover = len(own & grams) / len(own)
                r = difflib.SequenceMatcher(None, title, name).ratio()
                if r >= NAME_CUTOFF or cover >= COVER_CUTOFF:
                    scored.append((-max(r, cover), self._codes[i]))
            for _, c in sorted(scored):
                if len(out) >= limit:
                    break
                if c not in out:
                    out.append(c)
        return tuple(out[:limit])

    @staticmethod
    def _candidates(index: dict[str, list[int]], grams: set[str]) -> list[int]:
        """The SKUs sharing most grams with the query, counting the rarest grams first
        until the budget is spent (a gram every SKU has tells nothing)."""
        lists = sorted((index[g] for g in grams if g in index), key=len)
        counts: Counter[int] = Counter()
        spent = 0
        for ids in lists:
            if spent and spent + len(ids) > POSTING_BUDGET:
                break
            counts.update(ids)
            spent += len(ids)
        return [i for i, _ in counts.most_common(CANDIDATES)]
