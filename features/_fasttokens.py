"""The lexical tokens of :mod:`boilerline.features.tokens`, hashed for a whole batch at once.

:func:`boilerline.features.tokens._line_tokens` builds about a dozen small strings per line and
hashes each with ``zlib.crc32``: a dozen Python-level calls per line, which made token hashing
the slowest step of labelling.  Here no token string is built.  CRC-32 is linear over GF(2):
the CRC of a message is the XOR of one table entry per byte, chosen by the byte's value and
its distance from the message's end, XORed with a constant for the message length.  Every
token is a fixed prefix ("w:", "c:", ...) followed by one or more spans of the batch's
case-folded text (words, the line's opening characters), so its CRC is a handful of numpy
gathers and a ``bitwise_xor.reduceat`` over the spans' UTF-8 bytes.

The result is bit-for-bit that of the per-line definition; ``tests/test_speed_equivalence.py``
checks it.  :func:`fast_token_hashes` returns ``None`` for the one input it does not handle
(a line containing ``"\\n"``), and the caller falls back to the definition.
"""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import Sequence

import numpy as np

from .tokens import (
    HEAD_CHARS,
    HEAD_WORDS,
    MAX_WORD_CHARS,
    N_BUCKETS,
    TAIL_CHARS,
    TRIGRAM_CHARS,
    WHOLE_LINE_MAX_CHARS,
    WORD_RE,
)

#: Longest token in bytes ("l:" and 40 four-byte code points) is below this.
_MAX_BYTES = 256
_PREFIXES = ("w:", "p0:", "p1:", "b:", "e:", "l:", "c:")


@lru_cache(maxsize=1)
def _crc_tables() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``Z[d * 256 + b]``: CRC contribution of byte ``b`` followed by ``d`` bytes; per-prefix bases.

    ``crc32(m) = K[len(m)] ^ XOR_i Z[len(m) - 1 - i][m[i]]`` with ``K[n] = crc32(b"\\0" * n)``.
    ``base[prefix][n]`` folds ``K[n]`` and the prefix's bytes in, for a token of ``n`` bytes.
    """
    step = np.array([zlib.crc32(bytes([b])) ^ zlib.crc32(b"\0") for b in range(256)], dtype=np.uint32)
    Z = np.empty((_MAX_BYTES, 256), dtype=np.uint32)
    Z[0] = step
    for d in range(1, _MAX_BYTES):
        prev = Z[d - 1]
        Z[d] = step[prev & 0xFF] ^ (prev >> 8)
    K = np.array([zlib.crc32(bytes(n)) for n in range(_MAX_BYTES)], dtype=np.uint32)
    base = {}
    for p in _PREFIXES:
        pb = p.encode("ascii")
        b = K.copy()
        for n in range(len(pb), _MAX_BYTES):
            for j, byte in enumerate(pb):
                b[n] ^= Z[n - 1 - j, byte]
        base[p] = b
    return Z.ravel(), base


@lru_cache(maxsize=1)
def _word_table() -> np.ndarray:
    """``table[cp]`` is True when code point ``cp`` is a ``\\w`` character for ``re``."""
    cps = np.arange(0x110000, dtype=np.uint32)
    cps[0xD800:0xE000] = 0x20  # lone surrogates are not word characters
    text = cps.tobytes().decode("utf-32-le")
    table = np.zeros(0x110000, dtype=bool)
    for m in WORD_RE.finditer(text):
        table[m.start():m.end()] = True
    return table


def _span_xor(U, boff, Z, a, b, extra):
    """XOR of the CRC contributions of the bytes of code point spans ``[a, b)``.

    Each span ends ``extra`` bytes before the end of its token.  Returns (xor, n_bytes).
    """
    ba = boff[a]
    ln = boff[b] - ba
    if not len(ln):
        return np.zeros(0, dtype=np.uint32), ln
    seg = np.cumsum(ln) - ln
    tot = int(ln.sum())
    # per byte: its index in U and its distance from the token's end (int32 when it fits:
    # half the memory traffic of int64 in these per-byte arrays)
    it = np.int32 if len(U) < (1 << 31) - 1 else np.int64
    idx = np.arange(tot, dtype=it) - np.repeat((seg - ba).astype(it), ln)
    dist = np.repeat((boff[b] - 1 + extra).astype(it), ln) - idx
    dist <<= 8
    dist += U[idx]
    contrib = Z[dist]
    return np.bitwise_xor.reduceat(contrib, seg), ln


class BatchText:
    """A batch's lines joined and case-folded once, shared by the token hashes and title words.

    Attributes: ``low`` (the case-folded text), ``cps`` (its code points), ``U`` (its UTF-8
    bytes with ASCII digits replaced by ``0``, as the tokens see them), ``boff`` (byte offset
    of each code point), ``starts`` / ``ends`` (each line's code point span), ``rs`` / ``re_``
    (starts and ends of the ``\\w+`` runs), ``first`` / ``nruns`` (each line's first run and
    number of runs).
    """

    __slots__ = ("n", "low", "cps", "U", "boff", "starts", "ends", "rs", "re_", "first", "nruns")


def prepare(lines: Sequence[str]) -> BatchText | None:
    """Join and case-fold a batch of lines once; ``None`` if a line holds ``"\\n"``."""
    n = len(lines)
    low = "\n".join(lines).casefold()
    cps = np.frombuffer(low.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    nl = np.flatnonzero(cps == 10)
    if len(nl) != n - 1:
        return None
    t = BatchText()
    t.n, t.low, t.cps = n, low, cps
    U = np.frombuffer(low.encode("utf-8", "surrogatepass"), dtype=np.uint8).copy()
    U[(U - np.uint8(48)) < 10] = 48  # DIGITS_RE.sub("0", ...): ASCII digits are single bytes
    t.U = U
    if len(U) == len(cps):
        t.boff = np.arange(len(cps) + 1, dtype=np.int64)
    else:  # a code point starts at each byte that is not a continuation byte (0b10xxxxxx)
        t.boff = np.append(np.flatnonzero((U & np.uint8(0xC0)) != 0x80), len(U))
    starts = np.zeros(n, dtype=np.int64)
    starts[1:] = nl + 1
    ends = np.empty(n, dtype=np.int64)
    ends[:-1] = nl
    ends[-1] = len(cps)
    t.starts, t.ends = starts, ends
    # word runs (\\w+), which never cross a line break
    w8 = _word_table()[cps].view(np.int8)
    d = np.diff(w8, prepend=np.int8(0), append=np.int8(0))
    t.rs = np.flatnonzero(d == 1)
    t.re_ = np.flatnonzero(d == -1)
    t.first = np.searchsorted(t.rs, starts)
    t.nruns = np.searchsorted(t.rs, ends) - t.first
    return t


_P = 0x9E3779B97F4A7C15  # odd, so it has an inverse modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)


_POWERS: list = [np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64)]
#: Power tables longer than this are not kept between calls (two uint64 arrays, 16 MB at most).
_POWERS_KEEP = 1 << 20


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """``P**i`` and ``P**-i`` modulo 2**64 for ``i < size`` (at least), kept between calls."""
    if len(_POWERS[0]) >= size:
        return _POWERS[0], _POWERS[1]
    size = max(size, min(2 * len(_POWERS[0]), _POWERS_KEEP))
    with np.errstate(over="ignore"):
        out = []
        for x in (_P, _P_INV):
            p = np.empty(size, dtype=np.uint64)
            p[0] = 1
            np.cumprod(np.full(size - 1, x, dtype=np.uint64), out=p[1:])
            out.append(p)
    if size <= _POWERS_KEEP:
        _POWERS[:] = out
    return out[0], out[1]


def run_hashes(text: BatchText, runs: np.ndarray, bits: int = 40) -> np.ndarray:
    """A ``bits``-bit hash of the case-folded text of each word run in ``runs``.

    A polynomial hash modulo 2**64 of the code points (``sum (cp + 1) * P**i``), taken as a
    difference of prefix sums and brought back to the run's start with ``P**-start``; the top
    ``bits`` bits of its mix are kept.  Equal words get equal hashes; different words collide with
    probability about ``2**-bits``.
    """
    if not len(runs):
        return np.zeros(0, dtype=np.uint64)
    a, b = text.rs[runs], text.re_[runs]
    hi = int(b.max())
    powers, inv = _powers(hi)
    with np.errstate(over="ignore"):
        csum = np.zeros(hi + 1, dtype=np.uint64)
        np.cumsum((text.cps[:hi].astype(np.uint64) + np.uint64(1)) * powers[:hi], out=csum[1:])
        h = (csum[b] - csum[a]) * inv[a]
        # mix (MurmurHash3's finaliser, a bijection) so that the kept top bits depend on every
        # code point: without it "el" and "al" differ only in the low bits
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xC4CEB9FE1A85EC53)
        h ^= h >> np.uint64(33)
    return h >> np.uint64(64 - bits)


def fast_token_hashes(lines: Sequence[str], text: BatchText | None = None) -> tuple[np.ndarray, np.ndarray] | None:
    """Same result as ``tokens._token_hashes_reference``; ``None`` if a line holds ``"\\n"``."""
    n = len(lines)
    if n == 0:
        return np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    if text is None:
        text = prepare(lines)
        if text is None:
            return None
    Z, base = _crc_tables()
    U, boff, starts, ends = text.U, text.boff, text.starts, text.ends
    rs, re_, first, nruns = text.rs, text.re_, text.first, text.nruns
    L = ends - starts

    # how many tokens of each kind each line has, and where they go
    nh = np.minimum(np.minimum(np.searchsorted(rs, starts + HEAD_CHARS) - first, nruns), HEAD_WORDS)
    c_p = np.minimum(nh, 2)
    c_b = (nh >= 2).astype(np.int64)
    last = np.maximum(first + nruns - 1, 0)
    tail_start = np.maximum(starts, ends - TAIL_CHARS)
    c_e = ((nruns > 0) & (re_[last] > tail_start)).astype(np.int64) if len(rs) else np.zeros(n, dtype=np.int64)
    c_l = (L <= WHOLE_LINE_MAX_CHARS).astype(np.int64)
    c_c = np.maximum(np.minimum(L, TRIGRAM_CHARS) - 2, 0)
    o_p = nh
    o_b = o_p + c_p
    o_e = o_b + c_b
    o_l = o_e + c_e
    o_c = o_l + c_l
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(o_c + c_c, out=indptr[1:])
    out = np.empty(int(indptr[-1]), dtype=np.uint32)
    row0 = indptr[:-1]

    # head words: "w:" tokens, then "p0:"/"p1:" for the first two, then the "b:" pair
    hline = np.repeat(np.arange(n), nh)
    hk = np.arange(len(hline)) - np.repeat(np.cumsum(nh) - nh, nh)
    r = first[hline] + hk
    ha = rs[r]
    hb = np.minimum(np.minimum(re_[r], starts[hline] + HEAD_CHARS), ha + MAX_WORD_CHARS)
    hx, hl = _span_xor(U, boff, Z, ha, hb, 0)
    out[row0[hline] + hk] = base["w:"][2 + hl] ^ hx
    for k, prefix in ((0, "p0:"), (1, "p1:")):
        sel = hk == k
        out[row0[hline[sel]] + o_p[hline[sel]] + k] = base[prefix][3 + hl[sel]] ^ hx[sel]
    w0 = np.flatnonzero((hk == 0) & (nh[hline] >= 2))
    w1 = w0 + 1
    x0, _ = _span_xor(U, boff, Z, ha[w0], hb[w0], hl[w1] + 1)
    space = Z[(hl[w1] << 8) + 0x20]
    bl = hline[w0]
    out[row0[bl] + o_b[bl]] = base["b:"][2 + hl[w0] + 1 + hl[w1]] ^ x0 ^ space ^ hx[w1]

    # "e:" the last word, when it reaches into the last TAIL_CHARS characters
    el = np.flatnonzero(c_e)
    lr = last[el]
    eb = re_[lr]
    ea = np.maximum(np.maximum(rs[lr], ends[el] - TAIL_CHARS), eb - MAX_WORD_CHARS)
    ex, elen = _span_xor(U, boff, Z, ea, eb, 0)
    out[row0[el] + o_e[el]] = base["e:"][2 + elen] ^ ex

    # "l:" the words of a short line joined by single spaces
    ll = np.flatnonzero(c_l)
    cnt = nruns[ll]
    wline = np.repeat(ll, cnt)
    wr = np.repeat(first[ll], cnt) + (np.arange(len(wline)) - np.repeat(np.cumsum(cnt) - cnt, cnt))
    wlen = boff[re_[wr]] - boff[rs[wr]]
    gstart = np.cumsum(cnt) - cnt
    excl = np.cumsum(wlen + 1) - (wlen + 1)
    before = excl - excl[np.repeat(gstart, cnt)]  # bytes before the word in its token
    total = np.zeros(len(ll), dtype=np.int64)
    has = cnt > 0
    if len(wline):
        total[has] = np.add.reduceat(wlen + 1, gstart[has]) - 1
    extra = np.repeat(total, cnt) - before - wlen
    wx, _ = _span_xor(U, boff, Z, rs[wr], re_[wr], extra)
    not_last = np.ones(len(wline), dtype=bool)
    if len(wline):
        not_last[gstart[has] + cnt[has] - 1] = False
    wx[not_last] ^= Z[((extra[not_last] - 1) << 8) + 0x20]
    content = np.zeros(len(ll), dtype=np.uint32)
    if len(wline):
        content[has] = np.bitwise_xor.reduceat(wx, gstart[has])
    out[row0[ll] + o_l[ll]] = base["l:"][2 + total] ^ content

    # "c:" character trigrams of the opening
    cline = np.repeat(np.arange(n), c_c)
    ci = np.arange(len(cline)) - np.repeat(np.cumsum(c_c) - c_c, c_c)
    ca = starts[cline] + ci
    cx, clen = _span_xor(U, boff, Z, ca, ca + 3, 0)
    out[row0[cline] + o_c[cline] + ci] = base["c:"][2 + clen] ^ cx

    return indptr, (out & np.uint32(N_BUCKETS - 1)).astype(np.int32)
