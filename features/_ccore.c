/*
 * boilerline.features._ccore: the per-character work of the line features, compiled.
 *
 * Optional.  The numpy code of lines.py / _fasttokens.py is the definition and the fallback;
 * these loops compute the same integers (tests/test_speed_equivalence.py compares the two on
 * fixture, corpus and generated text).  The numpy version makes a dozen passes over a batch's
 * code points, each materialising arrays of one element per character (classes, line
 * numbers, byte offsets, ...): together about two thirds of labelling time.  Here each line
 * is read once, straight from the str object, and only per-line integers are written out.
 *
 * Only the CPython C API and the buffer protocol are used: output arrays are allocated by the
 * caller (numpy) and passed in as writable buffers, so no numpy headers are needed to build.
 *
 * Lookup tables (character classes, \w, separators) and the parameters (token lengths, title
 * length) come from the Python side on every call, so there is one definition of each.
 * What is fixed here is named below.
 *
 * Two loops of labelling live here too, for the same reason (numpy pays per call, per line
 * position): the decoding step's forward-backward pass (model/decoding.py) and the recurrent
 * second stage's GRU steps (model/recurrent.py), each tested against its numpy definition.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

/* Character classes, in the order of lines._CLASS_NAMES (exported as CLASS_NAMES and
 * checked by the tests).  Words are runs of classes <= CLS_DIGIT; a capitalised word starts
 * with an upper-case letter after a class > CLS_LETTER_OTHER. */
#define N_CLASSES 8
#define CLS_UPPER 0
#define CLS_LETTER_OTHER 2
#define CLS_DIGIT 3
#define CLS_SPACE 4
#define N_CODEPOINTS 0x110000

/* Columns of line_stats' output, one int64 each (exported as STAT_NAMES). */
enum {
    ST_CLASSES = 0,                 /* N_CLASSES counts */
    ST_CHARS = N_CLASSES,
    ST_WORDS,
    ST_CAP_WORDS,
    ST_SEPARATORS,
    ST_FIRST_CP,                    /* 0 for an empty line */
    ST_LAST_CP,                     /* 0 for an empty line */
    ST_FIRST_CLASS,                 /* -1 for an empty line */
    ST_DATES,
    ST_TRIGGERS,                    /* bit k: trigger sequence k occurs in the line */
    N_STATS
};
static const char *STAT_NAMES[N_STATS] = {
    "upper", "lower", "letter_other", "digit", "space", "punct", "symbol", "other",
    "chars", "words", "cap_words", "separators", "first_cp", "last_cp", "first_class",
    "dates", "triggers",
};
static const char *CLASS_NAMES[N_CLASSES] = {
    "upper", "lower", "letter_other", "digit", "space", "punct", "symbol", "other",
};

/* Columns of text_stats' per-line document output (exported as DOC_STAT_NAMES). */
enum { DS_KEY_LEN = 0, DS_REPEATS, DS_REPEAT_LATER, DS_DISTINCT_WORDS, DS_TITLE_WORDS_SHARED,
       DS_TITLE_CONTAINS, N_DOC_STATS };
static const char *DOC_STAT_NAMES[N_DOC_STATS] = {
    "key_len", "repeats", "is_repeat_later", "distinct_words", "title_words_shared", "title_contains",
};

/* The int64 bit field of ST_TRIGGERS bounds the number of trigger sequences. */
#define MAX_TRIGGERS 63
/* Token prefixes of tokens._line_tokens. */
static const char PREFIX_WORD[] = "w:", PREFIX_P0[] = "p0:", PREFIX_P1[] = "p1:",
                  PREFIX_PAIR[] = "b:", PREFIX_END[] = "e:", PREFIX_LINE[] = "l:",
                  PREFIX_TRIGRAM[] = "c:";
/* Title word hashes: _fasttokens.run_hashes (polynomial hash, MurmurHash3 finaliser, top bits). */
#define RUN_HASH_P 0x9E3779B97F4A7C15ULL
#define RUN_HASH_BITS 40

/* ---------------------------------------------------------------------------------------- */
/* buffers                                                                                   */

typedef struct {
    Py_buffer view;
    int held;
} buf_t;

/* The kind of number a buffer's struct format holds: 'i' signed integer, 'u' unsigned integer
 * or bool, 'f' floating point; 0 for anything else (several items, another byte order). */
static int format_kind(const char *fmt)
{
    if (!fmt)
        return 'u'; /* plain bytes */
    if (*fmt == '@' || *fmt == '=' || (PY_LITTLE_ENDIAN && *fmt == '<'))
        fmt++;
    if (!fmt[0] || fmt[1])
        return 0;
    switch (fmt[0]) {
    case 'b': case 'h': case 'i': case 'l': case 'q': case 'n':
        return 'i';
    case 'B': case 'H': case 'I': case 'L': case 'Q': case 'N': case '?':
        return 'u';
    case 'e': case 'f': case 'd':
        return 'f';
    }
    return 0;
}

/* A C-contiguous buffer of at least ``min_items`` numbers of ``itemsize`` bytes whose kind
 * (see format_kind) is in ``kinds``. */
static int get_buffer(PyObject *obj, buf_t *b, Py_ssize_t itemsize, const char *kinds, Py_ssize_t min_items,
                      int writable, const char *what)
{
    int flags = PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | (writable ? PyBUF_WRITABLE : 0);
    b->held = 0;
    if (PyObject_GetBuffer(obj, &b->view, flags) < 0)
        return -1;
    b->held = 1;
    int kind = format_kind(b->view.format);
    if (b->view.itemsize != itemsize || !kind || !strchr(kinds, kind) || b->view.len / itemsize < min_items) {
        PyErr_Format(PyExc_ValueError, "%s: need a contiguous array of at least %zd numbers of %zd bytes (%s)",
                     what, min_items, itemsize, kinds[0] == 'f' ? "floating point" : "integers");
        return -1;
    }
    return 0;
}

static void release(buf_t *b)
{
    if (b->held) {
        PyBuffer_Release(&b->view);
        b->held = 0;
    }
}

/* Every document length is >= 0 and they add up to ``n`` (``what``: "lines" or "rows", for
 * the message). Sets an exception and returns -1 otherwise; ``longest`` (may be NULL) gets
 * the largest length. */
static int check_doc_lengths(const int64_t *lengths, Py_ssize_t n_docs, Py_ssize_t n, const char *what,
                             Py_ssize_t *longest)
{
    Py_ssize_t total = 0;
    Py_ssize_t most = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        if (lengths[d] < 0) {
            PyErr_SetString(PyExc_ValueError, "doc_lengths: a negative length");
            return -1;
        }
        total += lengths[d];
        if (lengths[d] > most)
            most = lengths[d];
    }
    if (total != n) {
        PyErr_Format(PyExc_ValueError, "doc_lengths add up to %zd, not to the %zd %s given", total, n, what);
        return -1;
    }
    if (longest)
        *longest = most;
    return 0;
}

/* Read-only str views taken while the GIL is held; the references keep them alive while
 * the loops run without it (another thread may change the list meanwhile). */
typedef struct {
    const void *data;
    Py_ssize_t len;
    int kind;
    int lower_ascii; /* an ASCII line read case-folded: A-Z as a-z (what str.casefold does) */
    int in_buffer;   /* case-folded into take_lines' buffer, from code point ``at`` on */
    Py_ssize_t at;
    PyObject *ref;
} line_t;

/* str.casefold, looked up once (PyInit__ccore). */
static PyObject *str_casefold;

static void drop_lines(line_t *v, Py_ssize_t n)
{
    if (!v)
        return;
    for (Py_ssize_t i = 0; i < n; i++)
        Py_XDECREF(v[i].ref);
    PyMem_Free(v);
}

/* Case folding of single code points, looked up in str.casefold the first time each code point
 * is seen (so it is CPython's own folding, for the running version's Unicode data), then
 * kept: str.casefold itself took a quarter of the text pass.  Entries hold the folded code
 * point + 1 (0: not looked up yet), or FOLD_EXPANDS for the few that fold to several code
 * points (ß -> ss): lines holding one go through str.casefold whole.  Only read and written
 * with the GIL held; calloc'd on first use (the pages of unused ranges are never touched). */
static uint32_t *fold_cache;
#define FOLD_EXPANDS 0xFFFFFFFFu

static int fold_lookup(Py_UCS4 c, uint32_t *out)
{
    uint32_t f = fold_cache[c];
    if (!f) {
        PyObject *ch = PyUnicode_FromOrdinal(c);
        if (!ch)
            return -1;
        PyObject *r = PyObject_CallOneArg(str_casefold, ch);
        Py_DECREF(ch);
        if (!r)
            return -1;
        f = PyUnicode_GET_LENGTH(r) == 1 ? PyUnicode_ReadChar(r, 0) + 1 : FOLD_EXPANDS;
        Py_DECREF(r);
        fold_cache[c] = f;
    }
    *out = f;
    return 0;
}

/* Fold ``s`` (not ASCII) into ``*buf`` from ``*used`` on; 1 if a code point expands (nothing
 * is kept then), 0 when folded, -1 on error. */
static int fold_line(PyObject *s, Py_UCS4 **buf, Py_ssize_t *used, Py_ssize_t *cap)
{
    Py_ssize_t len = PyUnicode_GET_LENGTH(s);
    if (*used + len > *cap) {
        Py_ssize_t want = *cap ? 2 * *cap : 4096;
        while (want < *used + len)
            want *= 2;
        Py_UCS4 *b = PyMem_Realloc(*buf, want * sizeof(Py_UCS4));
        if (!b) {
            PyErr_NoMemory();
            return -1;
        }
        *buf = b;
        *cap = want;
    }
    const void *data = PyUnicode_DATA(s);
    int kind = PyUnicode_KIND(s);
    Py_UCS4 *out = *buf + *used;
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, k);
        if (c < 0x80) {
            out[k] = c - 'A' < 26u ? c + ('a' - 'A') : c;
            continue;
        }
        uint32_t f;
        if (fold_lookup(c, &f) < 0)
            return -1;
        if (f == FOLD_EXPANDS)
            return 1;
        out[k] = f - 1;
    }
    *used += len;
    return 0;
}

/* Views of the items of ``lines`` (each must be a str); case-folded when ``fold``, in which
 * case ``*folded`` receives the buffer the folded lines point into (the caller frees it). */
static line_t *take_lines(PyObject *lines, Py_ssize_t *n_out, int fold, Py_UCS4 **folded)
{
    PyObject *seq = PySequence_Fast(lines, "lines must be a sequence of str");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq), used = 0, cap = 0;
    Py_UCS4 *buf = NULL;
    line_t *v = PyMem_Calloc(n ? n : 1, sizeof(line_t));
    if (!v) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    if (fold && !fold_cache) {
        fold_cache = calloc(N_CODEPOINTS, sizeof(uint32_t));
        if (!fold_cache) {
            PyErr_NoMemory();
            goto fail;
        }
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = items[i];
        if (!PyUnicode_Check(s)) {
            PyErr_Format(PyExc_TypeError, "line %zd is a %s, not a str", i, Py_TYPE(s)->tp_name);
            goto fail;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(s) < 0)
            goto fail;
#endif
        Py_INCREF(s);
        v[i].ref = s;
        v[i].data = PyUnicode_DATA(s);
        v[i].len = PyUnicode_GET_LENGTH(s);
        v[i].kind = PyUnicode_KIND(s);
        if (!fold)
            continue;
        if (PyUnicode_IS_ASCII(s)) {
            v[i].lower_ascii = 1;
            continue;
        }
        Py_ssize_t at = used;
        int r = fold_line(s, &buf, &used, &cap);
        if (r < 0)
            goto fail;
        if (r == 0) { /* points into buf once it stops moving (below) */
            v[i].at = at;
            v[i].kind = PyUnicode_4BYTE_KIND;
            v[i].in_buffer = 1;
            continue;
        }
        /* a code point folds to several: CPython's str.casefold for the whole line */
        PyObject *f = PyObject_CallOneArg(str_casefold, s);
        if (!f)
            goto fail;
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(f) < 0) {
            Py_DECREF(f);
            goto fail;
        }
#endif
        Py_SETREF(v[i].ref, f);
        v[i].data = PyUnicode_DATA(f);
        v[i].len = PyUnicode_GET_LENGTH(f);
        v[i].kind = PyUnicode_KIND(f);
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (v[i].in_buffer)
            v[i].data = buf + v[i].at;
    Py_DECREF(seq);
    *n_out = n;
    if (folded)
        *folded = buf;
    else
        PyMem_Free(buf);
    return v;
fail:
    PyMem_Free(buf);
    drop_lines(v, n);
    Py_DECREF(seq);
    return NULL;
}

static inline Py_UCS4 cp_at(const line_t *v, Py_ssize_t k)
{
    Py_UCS4 c = PyUnicode_READ(v->kind, v->data, k);
    if (v->lower_ascii && c - 'A' < 26u)
        c += 'a' - 'A';
    return c;
}

/* ---------------------------------------------------------------------------------------- */
/* line_stats: the character-class pass of lines._char_class_block and what line_features
 * derives from the code points (capitalised words, separators, first and last characters,
 * dates, regular-expression triggers).                                                      */

typedef struct {
    const int8_t *cls;          /* N_CODEPOINTS entries, each in [0, N_CLASSES) */
    const uint8_t *sep;         /* sep_len entries */
    Py_ssize_t sep_len;
    /* the triggers starting with each code point below 256 (the few a character can start) */
    uint8_t first_count[256];
    uint8_t first_index[256][MAX_TRIGGERS];
    Py_UCS4 *trig;              /* the trigger sequences, concatenated */
    Py_ssize_t trig_off[MAX_TRIGGERS + 1];
    int n_trig;
} stat_ctx_t;

static inline int is_digit(Py_UCS4 c) { return c - '0' < 10u; }
/* the separators NUMBER_RE allows inside a digit group: . / : - */
static inline int is_date_sep(Py_UCS4 c) { return c - 45u < 3u || c == 58; }

static inline void line_stats_kind(const stat_ctx_t *ctx, const void *data, int kind,
                                   Py_ssize_t len, int64_t *out)
{
    int64_t counts[N_CLASSES] = {0};
    int64_t words = 0, caps = 0, seps = 0, dates = 0;
    uint64_t trig = 0;
    int prev_cls = CLS_SPACE; /* what the "\n" before each line in the numpy version is */
    /* the current run of digits and joining separators (NUMBER_RE), as in _date_counts */
    Py_ssize_t run_len = 0;
    int run_joined = 0;
    for (Py_ssize_t j = 0; j < len; j++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j);
        int cls = ctx->cls[c] & (N_CLASSES - 1); /* a bad table cannot index out of bounds */
        counts[cls]++;
        words += cls <= CLS_DIGIT && prev_cls > CLS_DIGIT;
        caps += cls == CLS_UPPER && prev_cls > CLS_LETTER_OTHER;
        seps += (Py_ssize_t)c < ctx->sep_len && ctx->sep[c];
        prev_cls = cls;

        int in_run = is_digit(c);
        if (!in_run && j > 0 && j + 1 < len && is_date_sep(c) && is_digit(PyUnicode_READ(kind, data, j - 1))
            && is_digit(PyUnicode_READ(kind, data, j + 1))) {
            in_run = 1;
            run_joined = 1;
        }
        if (in_run) {
            run_len++;
        } else if (run_len) {
            dates += run_len == 4 || run_joined;
            run_len = 0;
            run_joined = 0;
        }

        if (c < 256 && ctx->first_count[c]) {
            for (int q0 = 0; q0 < ctx->first_count[c]; q0++) {
                int k = ctx->first_index[c][q0];
                if (trig & (1ULL << k))
                    continue;
                const Py_UCS4 *s = ctx->trig + ctx->trig_off[k];
                Py_ssize_t slen = ctx->trig_off[k + 1] - ctx->trig_off[k];
                if (j + slen > len)
                    continue;
                Py_ssize_t q = 1;
                while (q < slen && PyUnicode_READ(kind, data, j + q) == s[q])
                    q++;
                if (q == slen)
                    trig |= 1ULL << k;
            }
        }
    }
    if (run_len)
        dates += run_len == 4 || run_joined;
    for (int k = 0; k < N_CLASSES; k++)
        out[ST_CLASSES + k] = counts[k];
    out[ST_CHARS] = len;
    out[ST_WORDS] = words;
    out[ST_CAP_WORDS] = caps;
    out[ST_SEPARATORS] = seps;
    if (len) {
        Py_UCS4 first = PyUnicode_READ(kind, data, 0);
        out[ST_FIRST_CP] = first;
        out[ST_LAST_CP] = PyUnicode_READ(kind, data, len - 1);
        out[ST_FIRST_CLASS] = ctx->cls[first];
    } else {
        out[ST_FIRST_CP] = 0;
        out[ST_LAST_CP] = 0;
        out[ST_FIRST_CLASS] = -1;
    }
    out[ST_DATES] = dates;
    out[ST_TRIGGERS] = (int64_t)trig;
}

PyDoc_STRVAR(line_stats_doc,
"line_stats(lines, class_table, separator_table, triggers, out)\n--\n\n"
"Per line, the integers of STAT_NAMES written into ``out`` (int64, len(lines) x len(STAT_NAMES)).\n"
"``class_table``: int8 class of every code point (0x110000 entries); ``separator_table``:\n"
"uint8, nonzero for separators (code points beyond it are not); ``triggers``: a sequence of\n"
"non-empty str whose first character is below 256.");

static PyObject *line_stats(PyObject *self, PyObject *args)
{
    PyObject *lines, *cls_obj, *sep_obj, *trig_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OOOOO:line_stats", &lines, &cls_obj, &sep_obj, &trig_obj, &out_obj))
        return NULL;
    stat_ctx_t ctx;
    memset(&ctx, 0, sizeof ctx);
    buf_t cb = {0}, sb = {0}, ob = {0};
    line_t *v = NULL;
    Py_ssize_t n = 0;
    PyObject *result = NULL, *tseq = NULL;

    v = take_lines(lines, &n, 0, NULL);
    if (!v)
        goto done;
    if (get_buffer(cls_obj, &cb, 1, "iu", N_CODEPOINTS, 0, "class_table") < 0
        || get_buffer(sep_obj, &sb, 1, "iu", 0, 0, "separator_table") < 0
        || get_buffer(out_obj, &ob, 8, "i", n * N_STATS, 1, "out") < 0)
        goto done;
    ctx.cls = cb.view.buf;
    ctx.sep = sb.view.buf;
    ctx.sep_len = sb.view.len;

    tseq = PySequence_Fast(trig_obj, "triggers must be a sequence of str");
    if (!tseq)
        goto done;
    ctx.n_trig = (int)PySequence_Fast_GET_SIZE(tseq);
    if (PySequence_Fast_GET_SIZE(tseq) > MAX_TRIGGERS) {
        PyErr_SetString(PyExc_ValueError, "too many trigger sequences");
        goto done;
    }
    Py_ssize_t total = 0;
    for (int k = 0; k < ctx.n_trig; k++) {
        PyObject *s = PySequence_Fast_GET_ITEM(tseq, k);
        if (!PyUnicode_Check(s) || PyUnicode_GET_LENGTH(s) == 0 || PyUnicode_ReadChar(s, 0) >= 256) {
            PyErr_SetString(PyExc_ValueError, "a trigger must be a non-empty str starting below U+0100");
            goto done;
        }
        total += PyUnicode_GET_LENGTH(s);
    }
    ctx.trig = PyMem_Malloc((total ? total : 1) * sizeof(Py_UCS4));
    if (!ctx.trig) {
        PyErr_NoMemory();
        goto done;
    }
    total = 0;
    for (int k = 0; k < ctx.n_trig; k++) {
        PyObject *s = PySequence_Fast_GET_ITEM(tseq, k);
        Py_ssize_t len = PyUnicode_GET_LENGTH(s);
        ctx.trig_off[k] = total;
        for (Py_ssize_t q = 0; q < len; q++)
            ctx.trig[total + q] = PyUnicode_ReadChar(s, q);
        Py_UCS4 c0 = ctx.trig[total];
        ctx.first_index[c0][ctx.first_count[c0]++] = (uint8_t)k;
        total += len;
    }
    ctx.trig_off[ctx.n_trig] = total;

    int64_t *out = ob.view.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        /* one copy of the loop per str storage width, so that the reads are plain loads */
        switch (v[i].kind) {
        case PyUnicode_1BYTE_KIND:
            line_stats_kind(&ctx, v[i].data, PyUnicode_1BYTE_KIND, v[i].len, out + i * N_STATS);
            break;
        case PyUnicode_2BYTE_KIND:
            line_stats_kind(&ctx, v[i].data, PyUnicode_2BYTE_KIND, v[i].len, out + i * N_STATS);
            break;
        default:
            line_stats_kind(&ctx, v[i].data, PyUnicode_4BYTE_KIND, v[i].len, out + i * N_STATS);
        }
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(ctx.trig);
    Py_XDECREF(tseq);
    release(&cb);
    release(&sb);
    release(&ob);
    drop_lines(v, n);
    return result;
}

/* ---------------------------------------------------------------------------------------- */
/* text_stats: over the case-folded lines, the hashed tokens of tokens._line_tokens and the
 * document columns of lines._document_blocks that need the text (repetition, title words,
 * title containment).                                                                       */

typedef struct {
    const uint8_t *word;        /* N_CODEPOINTS entries: \w for re */
    Py_ssize_t head_words, head_chars, tail_chars, whole_line_max, trigram_chars, max_word;
    Py_ssize_t title_max;
    uint32_t bucket_mask;
} text_ctx_t;

static uint32_t CRC_TABLE[256];

static void init_crc_table(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        uint32_t c = b;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        CRC_TABLE[b] = c;
    }
}

static inline uint32_t crc_byte(uint32_t crc, uint8_t b)
{
    return CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8);
}

static inline uint32_t crc_ascii(uint32_t crc, const char *s)
{
    while (*s)
        crc = crc_byte(crc, (uint8_t)*s++);
    return crc;
}

/* The CRC state after each token prefix (set by init_prefix_crcs). */
static uint32_t CRC_WORD, CRC_P0, CRC_P1, CRC_PAIR, CRC_END, CRC_LINE, CRC_TRIGRAM;

static void init_prefix_crcs(void)
{
    CRC_WORD = crc_ascii(0xFFFFFFFFu, PREFIX_WORD);
    CRC_P0 = crc_ascii(0xFFFFFFFFu, PREFIX_P0);
    CRC_P1 = crc_ascii(0xFFFFFFFFu, PREFIX_P1);
    CRC_PAIR = crc_ascii(0xFFFFFFFFu, PREFIX_PAIR);
    CRC_END = crc_ascii(0xFFFFFFFFu, PREFIX_END);
    CRC_LINE = crc_ascii(0xFFFFFFFFu, PREFIX_LINE);
    CRC_TRIGRAM = crc_ascii(0xFFFFFFFFu, PREFIX_TRIGRAM);
}

/* CRC of the UTF-8 bytes (surrogates as three bytes, like "surrogatepass") of code points
 * [a, b) of the case-folded line, ASCII digits read as "0" (DIGITS_RE.sub("0", ...)). */
static inline uint32_t crc_span(uint32_t crc, const Py_UCS4 *u, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t k = a; k < b; k++) {
        Py_UCS4 c = u[k];
        if (c < 0x80) {
            crc = crc_byte(crc, is_digit(c) ? '0' : (uint8_t)c);
        } else if (c < 0x800) {
            crc = crc_byte(crc, 0xC0 | (c >> 6));
            crc = crc_byte(crc, 0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            crc = crc_byte(crc, 0xE0 | (c >> 12));
            crc = crc_byte(crc, 0x80 | ((c >> 6) & 0x3F));
            crc = crc_byte(crc, 0x80 | (c & 0x3F));
        } else {
            crc = crc_byte(crc, 0xF0 | (c >> 18));
            crc = crc_byte(crc, 0x80 | ((c >> 12) & 0x3F));
            crc = crc_byte(crc, 0x80 | ((c >> 6) & 0x3F));
            crc = crc_byte(crc, 0x80 | (c & 0x3F));
        }
    }
    return crc;
}

/* The UTF-8 bytes of ``c`` as crc_span reads them (ASCII digits as "0") into ``b``; how many. */
static inline int utf8_bytes(Py_UCS4 c, uint8_t *b)
{
    if (c < 0x80) {
        b[0] = is_digit(c) ? '0' : (uint8_t)c;
        return 1;
    }
    if (c < 0x800) {
        b[0] = 0xC0 | (c >> 6);
        b[1] = 0x80 | (c & 0x3F);
        return 2;
    }
    if (c < 0x10000) {
        b[0] = 0xE0 | (c >> 12);
        b[1] = 0x80 | ((c >> 6) & 0x3F);
        b[2] = 0x80 | (c & 0x3F);
        return 3;
    }
    b[0] = 0xF0 | (c >> 18);
    b[1] = 0x80 | ((c >> 12) & 0x3F);
    b[2] = 0x80 | ((c >> 6) & 0x3F);
    b[3] = 0x80 | (c & 0x3F);
    return 4;
}

/* crc_span of the same code points for ``ns`` CRC states at once (a head word feeds its "w:"
 * token, its "p0:" / "p1:" token and the "b:" pair): the bytes are encoded once and the
 * independent table-lookup chains overlap. */
static inline void crc_span_states(uint32_t *st, int ns, const Py_UCS4 *u, Py_ssize_t a, Py_ssize_t b)
{
    for (Py_ssize_t k = a; k < b; k++) {
        uint8_t by[4];
        int nb = utf8_bytes(u[k], by);
        for (int q = 0; q < nb; q++)
            for (int j = 0; j < ns; j++)
                st[j] = crc_byte(st[j], by[q]);
    }
}

/* The next \w+ run at or after ``pos`` ending by ``hi``: [*ra, *rb); 0 when there is none. */
static inline int next_run(const text_ctx_t *ctx, const Py_UCS4 *u, Py_ssize_t pos, Py_ssize_t hi,
                           Py_ssize_t *ra, Py_ssize_t *rb)
{
    while (pos < hi && !ctx->word[u[pos]])
        pos++;
    if (pos >= hi)
        return 0;
    *ra = pos;
    while (pos < hi && ctx->word[u[pos]])
        pos++;
    *rb = pos;
    return 1;
}

/* Tokens of one line, as bucket indices, into ``out``; returns how many. */
static Py_ssize_t line_tokens(const text_ctx_t *ctx, const Py_UCS4 *v, Py_ssize_t L, Py_ssize_t *ha,
                              Py_ssize_t *hb, int32_t *out)
{
    Py_ssize_t nt = 0, nh = 0, pos = 0, ra, rb;
    Py_ssize_t H = L < ctx->head_chars ? L : ctx->head_chars;
#define EMIT(crc) (out[nt++] = (int32_t)(((crc) ^ 0xFFFFFFFFu) & ctx->bucket_mask))

    /* head words: findall(low[:HEAD_CHARS])[:HEAD_WORDS], each cut to MAX_WORD_CHARS */
    while (nh < ctx->head_words && next_run(ctx, v, pos, H, &ra, &rb)) {
        ha[nh] = ra;
        hb[nh] = rb - ra > ctx->max_word ? ra + ctx->max_word : rb;
        pos = rb;
        nh++;
    }
    /* tokens in the order of _line_tokens: w: per head word, p0: p1:, then the b: pair */
    uint32_t w[2][3]; /* the first two head words' w:, p0: / p1: and b: states */
    for (Py_ssize_t k = 0; k < nh && k < 2; k++) {
        w[k][0] = CRC_WORD;
        w[k][1] = k ? CRC_P1 : CRC_P0;
        w[k][2] = k ? crc_byte(w[0][2], ' ') : CRC_PAIR;
        crc_span_states(w[k], nh >= 2 ? 3 : 2, v, ha[k], hb[k]);
    }
    for (Py_ssize_t k = 0; k < nh; k++)
        EMIT(k < 2 ? w[k][0] : crc_span(CRC_WORD, v, ha[k], hb[k]));
    for (Py_ssize_t k = 0; k < nh && k < 2; k++)
        EMIT(w[k][1]);
    if (nh >= 2)
        EMIT(w[1][2]);

    /* the last word of low[-TAIL_CHARS:], its last MAX_WORD_CHARS characters */
    Py_ssize_t tail = L > ctx->tail_chars ? L - ctx->tail_chars : 0;
    Py_ssize_t eb = L;
    while (eb > tail && !ctx->word[v[eb - 1]])
        eb--;
    if (eb > tail) {
        Py_ssize_t lo = eb - ctx->max_word > tail ? eb - ctx->max_word : tail;
        Py_ssize_t ea = eb - 1;
        while (ea > lo && ctx->word[v[ea - 1]])
            ea--;
        EMIT(crc_span(CRC_END, v, ea, eb));
    }

    /* a short line whole: its words joined by single spaces */
    if (L <= ctx->whole_line_max) {
        uint32_t c = CRC_LINE;
        int any = 0;
        pos = 0;
        while (next_run(ctx, v, pos, L, &ra, &rb)) {
            if (any)
                c = crc_byte(c, ' ');
            c = crc_span(c, v, ra, rb);
            any = 1;
            pos = rb;
        }
        EMIT(c);
    }

    /* character trigrams of the opening */
    Py_ssize_t O = L < ctx->trigram_chars ? L : ctx->trigram_chars;
    for (Py_ssize_t k = 0; k + 2 < O; k++)
        EMIT(crc_span(CRC_TRIGRAM, v, k, k + 3));  /* independent chains: they overlap anyway */
#undef EMIT
    return nt;
}

/* _fasttokens.run_hashes of a run whose polynomial sum is ``h``: the MurmurHash3 finaliser,
 * then the top RUN_HASH_BITS bits. */
static inline uint64_t run_hash_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return h >> (64 - RUN_HASH_BITS);
}

/* The case-folded line as UCS4 code points: its own data when it is stored that way (folded
 * non-ASCII lines), else decoded into ``*buf`` (grown as needed).  NULL without memory. */
static const Py_UCS4 *decode_line(const line_t *v, Py_UCS4 **buf, Py_ssize_t *cap)
{
    if (v->kind == PyUnicode_4BYTE_KIND && !v->lower_ascii)
        return v->data;
    if (v->len > *cap || !*buf) { /* also for an empty first line: NULL means no memory */
        Py_ssize_t want = v->len > 2 * *cap ? v->len : 2 * *cap;
        Py_UCS4 *b = realloc(*buf, (want ? want : 1) * sizeof(Py_UCS4));
        if (!b)
            return NULL;
        *buf = b;
        *cap = want;
    }
    Py_UCS4 *u = *buf;
    Py_ssize_t L = v->len;
    if (v->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *d = v->data;
        if (v->lower_ascii)
            for (Py_ssize_t k = 0; k < L; k++)
                u[k] = d[k] + ((Py_UCS4)(d[k] - 'A') < 26u ? 'a' - 'A' : 0);
        else
            for (Py_ssize_t k = 0; k < L; k++)
                u[k] = d[k];
    } else {
        const Py_UCS2 *d = v->data;
        for (Py_ssize_t k = 0; k < L; k++)
            u[k] = d[k];
    }
    return u;
}

/* A line's key (its case-folded text, stripped): [ks, ke) of the line. */
typedef struct {
    Py_ssize_t ks, ke;
    uint64_t hash;
} linekey_t;

static int key_equal(const line_t *va, const linekey_t *a, const line_t *vb, const linekey_t *b)
{
    Py_ssize_t len = a->ke - a->ks;
    if (len != b->ke - b->ks || a->hash != b->hash)
        return 0;
    for (Py_ssize_t k = 0; k < len; k++)
        if (cp_at(va, a->ks + k) != cp_at(vb, b->ks + k))
            return 0;
    return 1;
}

/* Is ``needle`` (m code points) a substring of ``hay`` (len), as str.__contains__? */
static int ucs4_in(const Py_UCS4 *needle, Py_ssize_t m, const Py_UCS4 *hay, Py_ssize_t len)
{
    if (m == 0)
        return 1;
    for (Py_ssize_t s = 0; s + m <= len; s++)
        if (hay[s] == needle[0] && memcmp(hay + s, needle, m * sizeof(Py_UCS4)) == 0)
            return 1;
    return 0;
}

/* The hash of a key, for the repetition table: multiply-xor over two code points at a time
 * (half the dependent multiplications of one per code point); the second code point of each
 * pair only reaches the high bits, which the final fold brings down to the table's slots. */
static inline uint64_t key_hash(const Py_UCS4 *u, Py_ssize_t len)
{
    uint64_t h = 0xCBF29CE484222325ULL ^ (uint64_t)len;
    Py_ssize_t k = 0;
    for (; k + 2 <= len; k += 2) {
        uint64_t x;
        memcpy(&x, u + k, sizeof x);
        h = (h ^ x) * 0x100000001B3ULL;
    }
    if (k < len)
        h = (h ^ u[k]) * 0x100000001B3ULL;
    h ^= h >> 32;
    h *= 0xFF51AFD7ED558CCDULL;
    return h ^ (h >> 29);
}

/* A set of title-word hashes (never 0 once tagged: see hset_add), emptied in O(1) by moving to
 * a new generation.  Sized for the most words a title-comparable line can hold. */
typedef struct {
    uint64_t *key;
    uint32_t *gen;
    size_t mask;
    uint32_t now;
} hset_t;

static int hset_init(hset_t *s, Py_ssize_t most)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)most)
        cap *= 2;
    s->key = PyMem_Malloc(cap * sizeof(uint64_t));
    s->gen = PyMem_Calloc(cap, sizeof(uint32_t));
    s->mask = cap - 1;
    s->now = 0;
    return s->key && s->gen ? 0 : -1;
}

static void hset_free(hset_t *s)
{
    PyMem_Free(s->key);
    PyMem_Free(s->gen);
}

static void hset_clear(hset_t *s)
{
    if (++s->now == 0) { /* generations wrapped: really clear */
        memset(s->gen, 0, (s->mask + 1) * sizeof(uint32_t));
        s->now = 1;
    }
}

/* Add ``h``; 1 if it was new. */
static inline int hset_add(hset_t *s, uint64_t h)
{
    size_t i = (size_t)h & s->mask;
    while (s->gen[i] == s->now) {
        if (s->key[i] == h)
            return 0;
        i = (i + 1) & s->mask;
    }
    s->gen[i] = s->now;
    s->key[i] = h;
    return 1;
}

static inline int hset_has(const hset_t *s, uint64_t h)
{
    size_t i = (size_t)h & s->mask;
    while (s->gen[i] == s->now) {
        if (s->key[i] == h)
            return 1;
        i = (i + 1) & s->mask;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* The lexicon of lexicon.lexicon_features: list words looked up among a line's \w runs.     */

typedef struct {
    uint64_t hash;
    int64_t kind;
} lexword_t;

typedef struct {
    lexword_t *w; /* sorted by hash */
    Py_ssize_t n, min_len, max_len;
    int64_t n_kinds;
    uint8_t first_seen[1024]; /* (first code point mod 1024) of some word: a filter before hashing */
} lex_t;

static int cmp_lexword(const void *a, const void *b)
{
    uint64_t x = ((const lexword_t *)a)->hash, y = ((const lexword_t *)b)->hash;
    return x < y ? -1 : x > y;
}

/* ``words``: case-folded str (each one \w run); ``kinds_obj``: int64, one per word, >= 0.
 * With the GIL held; 0, or -1 with an exception set. lex_free releases it either way. */
static int lex_init(lex_t *lx, PyObject *words, PyObject *kinds_obj)
{
    memset(lx, 0, sizeof *lx);
    lx->min_len = PY_SSIZE_T_MAX;
    PyObject *seq = PySequence_Fast(words, "words must be a sequence of str");
    if (!seq)
        return -1;
    buf_t kb = {0};
    int rc = -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (get_buffer(kinds_obj, &kb, 8, "i", n, 0, "kinds") < 0)
        goto done;
    const int64_t *kinds = kb.view.buf;
    lx->w = PyMem_Malloc((n ? n : 1) * sizeof(lexword_t));
    if (!lx->w) {
        PyErr_NoMemory();
        goto done;
    }
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *w = items[j];
        if (!PyUnicode_Check(w) || kinds[j] < 0) {
            PyErr_SetString(PyExc_ValueError, "lexicon: words must be str and kinds >= 0");
            goto done;
        }
        Py_ssize_t len = PyUnicode_GET_LENGTH(w);
        Py_UCS4 *u = PyUnicode_AsUCS4Copy(w);
        if (!u)
            goto done;
        lx->w[j].hash = key_hash(u, len);
        lx->w[j].kind = kinds[j];
        if (len)
            lx->first_seen[u[0] & 1023] = 1;
        PyMem_Free(u);
        lx->min_len = len < lx->min_len ? len : lx->min_len;
        lx->max_len = len > lx->max_len ? len : lx->max_len;
        lx->n_kinds = kinds[j] + 1 > lx->n_kinds ? kinds[j] + 1 : lx->n_kinds;
        lx->n = j + 1;
    }
    qsort(lx->w, lx->n, sizeof(lexword_t), cmp_lexword);
    rc = 0;
done:
    release(&kb);
    Py_DECREF(seq);
    return rc;
}

static void lex_free(lex_t *lx)
{
    PyMem_Free(lx->w);
    lx->w = NULL;
}

/* One case-folded line ``u`` of ``len`` code points: ``row`` gets, per kind, the list words
 * among its maximal \w runs and the end of the last one (-1: none), then ``len``. */
static void lex_scan(const lex_t *lx, const uint8_t *word, const Py_UCS4 *u, Py_ssize_t len, int64_t *row)
{
    for (int64_t c = 0; c < lx->n_kinds; c++) {
        row[2 * c] = 0;
        row[2 * c + 1] = -1;
    }
    row[2 * lx->n_kinds] = len;
    Py_ssize_t k = 0;
    while (k < len) {
        if (u[k] >= N_CODEPOINTS || !word[u[k]]) {
            k++;
            continue;
        }
        Py_ssize_t a = k;
        while (k < len && u[k] < N_CODEPOINTS && word[u[k]])
            k++;
        if (k - a < lx->min_len || k - a > lx->max_len || !lx->first_seen[u[a] & 1023])
            continue;
        uint64_t h = key_hash(u + a, k - a);
        Py_ssize_t lo = 0, hi = lx->n; /* binary search among the sorted hashes */
        while (lo < hi) {
            Py_ssize_t mid = (lo + hi) / 2;
            if (lx->w[mid].hash < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < lx->n && lx->w[lo].hash == h) {
            row[2 * lx->w[lo].kind] += 1;
            row[2 * lx->w[lo].kind + 1] = k;
        }
    }
}

PyDoc_STRVAR(lexicon_counts_doc,
"lexicon_counts(lines, word_table, words, kinds, out)\n--\n\n"
"For each case-folded line and each kind ``k``, how many of its maximal \\w runs are one of\n"
"``words`` of kind ``k`` (``words``: case-folded str, each one \\w run; ``kinds``: int64, one\n"
"per word, in [0, K)), and the end of the last such run (-1: none).  ``out``: int64,\n"
"n x (2K + 1), columns count_0, end_0, count_1, end_1, ..., and the case-folded line's length;\n"
"``word_table`` as for text_stats.  (text_stats computes the same in its pass when given the\n"
"lexicon.)");

static PyObject *lexicon_counts(PyObject *self, PyObject *args)
{
    PyObject *lines, *word_obj, *words, *kinds_obj, *out_obj;
    if (!PyArg_ParseTuple(args, "OOOOO:lexicon_counts", &lines, &word_obj, &words, &kinds_obj, &out_obj))
        return NULL;
    buf_t wb = {0}, ob = {0};
    line_t *v = NULL;
    Py_UCS4 *folded = NULL, *ubuf = NULL;
    PyObject *result = NULL;
    Py_ssize_t n = 0, u_cap = 0;
    int failed = 0;
    lex_t lx;
    if (lex_init(&lx, words, kinds_obj) < 0)
        goto done;
    v = take_lines(lines, &n, 1, &folded);
    if (!v)
        goto done;
    Py_ssize_t width = 2 * lx.n_kinds + 1;
    if (get_buffer(word_obj, &wb, 1, "iu", N_CODEPOINTS, 0, "word_table") < 0
        || get_buffer(out_obj, &ob, 8, "i", n * width, 1, "out") < 0)
        goto done;
    const uint8_t *word = wb.view.buf;
    int64_t *out = ob.view.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        const Py_UCS4 *u = decode_line(&v[i], &ubuf, &u_cap);
        if (!u) {
            failed = 1;
            break;
        }
        lex_scan(&lx, word, u, v[i].len, out + i * width);
    }
    Py_END_ALLOW_THREADS
    if (failed)
        PyErr_NoMemory();
    else
        result = Py_None, Py_INCREF(Py_None);
done:
    free(ubuf);
    PyMem_Free(folded);
    lex_free(&lx);
    drop_lines(v, n);
    release(&wb);
    release(&ob);
    return result;
}

PyDoc_STRVAR(text_stats_doc,
"text_stats(lines, doc_lengths, word_table, params, indptr, indices, doc_out, lex_words=None,\n"
"           lex_kinds=None, lex_out=None)\n--\n\n"
"Hashed tokens (CSR: ``indptr`` int64 n + 1, ``indices`` int32, room for the most tokens a\n"
"line can have) and, when ``doc_out`` is not None, the DOC_STAT_NAMES columns (int64,\n"
"n x len(DOC_STAT_NAMES)) of the case-folded lines.  ``doc_lengths``: int64 lines per\n"
"document, adding up to n (ignored without ``doc_out``); ``word_table``: uint8, nonzero for\n"
"\\w code points (0x110000 entries); ``params``: (head_words, head_chars, tail_chars,\n"
"whole_line_max_chars, trigram_chars, max_word_chars, title_max_chars, n_buckets).  With\n"
"``lex_out``, also lexicon_counts' columns of the lines (``lex_words``, ``lex_kinds`` as there).\n"
"Returns the number of tokens.");

static PyObject *text_stats(PyObject *self, PyObject *args)
{
    PyObject *lines, *dl_obj, *word_obj, *params, *indptr_obj, *indices_obj, *doc_obj;
    PyObject *lex_words = Py_None, *lex_kinds = Py_None, *lex_obj = Py_None;
    if (!PyArg_ParseTuple(args, "OOOOOOO|OOO:text_stats", &lines, &dl_obj, &word_obj, &params, &indptr_obj,
                          &indices_obj, &doc_obj, &lex_words, &lex_kinds, &lex_obj))
        return NULL;
    text_ctx_t ctx;
    Py_ssize_t n_buckets;
    if (!PyArg_ParseTuple(params, "nnnnnnnn:params", &ctx.head_words, &ctx.head_chars, &ctx.tail_chars,
                          &ctx.whole_line_max, &ctx.trigram_chars, &ctx.max_word, &ctx.title_max, &n_buckets))
        return NULL;
    if (ctx.head_words < 0 || ctx.head_chars < 0 || ctx.tail_chars < 0 || ctx.trigram_chars < 0
        || ctx.max_word < 1 || ctx.title_max < 0 || n_buckets < 1 || (n_buckets & (n_buckets - 1))
        || n_buckets > (1LL << 31)) {
        PyErr_SetString(PyExc_ValueError, "text_stats: parameters out of range");
        return NULL;
    }
    ctx.bucket_mask = (uint32_t)(n_buckets - 1);
    Py_ssize_t per_line = ctx.head_words + (ctx.head_words < 2 ? ctx.head_words : 2) + 3
                          + (ctx.trigram_chars > 2 ? ctx.trigram_chars - 2 : 0);
    int want_doc = doc_obj != Py_None;

    buf_t db = {0}, wb = {0}, pb = {0}, ib = {0}, ob = {0}, lb = {0};
    int want_lex = lex_obj != Py_None;
    lex_t lx;
    memset(&lx, 0, sizeof lx);
    line_t *v = NULL;
    linekey_t *keys = NULL;
    Py_ssize_t *ha = NULL, *hb = NULL, *slot = NULL, *first = NULL;
    int64_t *count = NULL;
    Py_UCS4 *ubuf = NULL, *title = NULL; /* decoded lines, and the document's title, case-folded */
    Py_UCS4 *folded = NULL;           /* the case-folded non-ASCII lines */
    Py_ssize_t u_cap = 0, n = 0, n_docs = 0, longest = 0;
    hset_t line_words = {0}, title_words = {0};
    PyObject *result = NULL;
    int failed = 0;

    if (want_lex && lex_init(&lx, lex_words, lex_kinds) < 0)
        goto done;
    v = take_lines(lines, &n, 1, &folded);
    if (!v)
        goto done;
    if ((want_lex && get_buffer(lex_obj, &lb, 8, "i", n * (2 * lx.n_kinds + 1), 1, "lex_out") < 0)
        || get_buffer(dl_obj, &db, 8, "i", 0, 0, "doc_lengths") < 0
        || get_buffer(word_obj, &wb, 1, "iu", N_CODEPOINTS, 0, "word_table") < 0
        || get_buffer(indptr_obj, &pb, 8, "i", n + 1, 1, "indptr") < 0
        || get_buffer(indices_obj, &ib, 4, "i", n * per_line, 1, "indices") < 0
        || (want_doc && get_buffer(doc_obj, &ob, 8, "i", n * N_DOC_STATS, 1, "doc_out") < 0))
        goto done;
    ctx.word = wb.view.buf;
    /* without document columns the batch is one pseudo-document */
    int64_t one_doc = n;
    const int64_t *doc_lengths = want_doc ? db.view.buf : &one_doc;
    n_docs = want_doc ? db.view.len / 8 : 1;
    if (check_doc_lengths(doc_lengths, n_docs, n, "lines", &longest) < 0)
        goto done;
    size_t rep_cap = 16; /* the repetition table: open addressing over the document's lines */
    while (rep_cap < 2 * (size_t)longest)
        rep_cap *= 2;
    /* a title-comparable key holds at most (title_max + 1) / 2 words */
    Py_ssize_t most_words = ctx.title_max / 2 + 1;
    ha = PyMem_Malloc((ctx.head_words + 1) * sizeof(Py_ssize_t));
    hb = PyMem_Malloc((ctx.head_words + 1) * sizeof(Py_ssize_t));
    if (!ha || !hb)
        goto nomem;
    if (want_doc) {
        keys = PyMem_Malloc((longest + 1) * sizeof(linekey_t));
        slot = PyMem_Malloc(rep_cap * sizeof(Py_ssize_t));
        first = PyMem_Malloc((longest + 1) * sizeof(Py_ssize_t));
        count = PyMem_Malloc((longest + 1) * sizeof(int64_t));
        title = PyMem_Malloc((ctx.title_max + 1) * sizeof(Py_UCS4));
        if (!keys || !slot || !first || !count || !title || hset_init(&line_words, most_words) < 0
            || hset_init(&title_words, most_words) < 0)
            goto nomem;
    }

    int64_t *indptr = pb.view.buf, *dout = want_doc ? ob.view.buf : NULL, *lout = want_lex ? lb.view.buf : NULL;
    int32_t *indices = ib.view.buf;
    Py_BEGIN_ALLOW_THREADS
    indptr[0] = 0;
    Py_ssize_t a = 0;
    for (Py_ssize_t d = 0; d < n_docs && !failed; d++) {
        Py_ssize_t m = doc_lengths[d], tlen = 0;
        int64_t tw = 0; /* the title's distinct words (0: titles are not compared) */
        size_t cap = 16; /* this document's part of the repetition table */
        while (cap < 2 * (size_t)m)
            cap *= 2;
        if (want_doc) {
            for (size_t s = 0; s < cap; s++)
                slot[s] = -1;
            hset_clear(&title_words);
        }
        for (Py_ssize_t i = 0; i < m; i++) {
            Py_ssize_t r = a + i;
            const line_t *line = &v[r];
            const Py_UCS4 *u = decode_line(line, &ubuf, &u_cap);
            if (!u) {
                failed = 1;
                break;
            }
            indptr[r + 1] = indptr[r] + line_tokens(&ctx, u, line->len, ha, hb, indices + indptr[r]);
            if (want_lex)
                lex_scan(&lx, ctx.word, u, line->len, lout + r * (2 * lx.n_kinds + 1));
            if (!want_doc)
                continue;
            int64_t *out = dout + r * N_DOC_STATS;

            /* the key: str.strip() of the case-folded line; repeats of it in the document */
            linekey_t *k = &keys[i];
            k->ks = 0;
            k->ke = line->len;
            while (k->ks < k->ke && Py_UNICODE_ISSPACE(u[k->ks]))
                k->ks++;
            while (k->ke > k->ks && Py_UNICODE_ISSPACE(u[k->ke - 1]))
                k->ke--;
            Py_ssize_t klen = k->ke - k->ks;
            k->hash = key_hash(u + k->ks, klen);
            size_t s = (size_t)k->hash & (cap - 1);
            while (slot[s] >= 0 && !key_equal(&v[a + slot[s]], &keys[slot[s]], line, k))
                s = (s + 1) & (cap - 1);
            if (slot[s] < 0) {
                slot[s] = i;
                count[i] = 0;
            }
            first[i] = slot[s];
            count[slot[s]]++;
            out[DS_KEY_LEN] = klen;
            out[DS_REPEAT_LATER] = slot[s] < i;

            /* title words: distinct 40-bit hashes, and those the title holds too */
            int64_t distinct = 0, shared = 0, contains = 0;
            if (klen > 0 && klen <= ctx.title_max) {
                hset_t *set = i == 0 ? &title_words : &line_words;
                if (i > 0)
                    hset_clear(&line_words);
                for (Py_ssize_t q = k->ks; q < k->ke;) {
                    /* each \w+ run, hashed as it is read (_fasttokens.run_hashes) */
                    if (!ctx.word[u[q]]) {
                        q++;
                        continue;
                    }
                    uint64_t h = 0, p = 1;
                    for (; q < k->ke && ctx.word[u[q]]; q++) {
                        h += ((uint64_t)u[q] + 1) * p;
                        p *= RUN_HASH_P;
                    }
                    h = run_hash_mix(h);
                    if (hset_add(set, h)) {
                        distinct++;
                        shared += i > 0 && tw > 0 && hset_has(&title_words, h);
                    }
                }
                if (i == 0) {
                    tw = shared = distinct;
                    tlen = klen;
                    memcpy(title, u + k->ks, klen * sizeof(Py_UCS4));
                }
                /* containment either way, as lines._document_blocks tests it */
                if (tw > 0) {
                    if (klen <= tlen)
                        contains = ucs4_in(u + k->ks, klen, title, tlen);
                    if (!contains && i > 0 && klen >= tlen && klen < 2 * tlen)
                        contains = ucs4_in(title, tlen, u + k->ks, klen);
                }
            }
            out[DS_DISTINCT_WORDS] = distinct;
            out[DS_TITLE_WORDS_SHARED] = shared;
            out[DS_TITLE_CONTAINS] = contains;
        }
        if (want_doc && !failed)
            for (Py_ssize_t i = 0; i < m; i++)
                dout[(a + i) * N_DOC_STATS + DS_REPEATS] = count[first[i]];
        a += m;
    }
    Py_END_ALLOW_THREADS
    if (failed)
        goto nomem;
    result = PyLong_FromSsize_t(indptr[n]);
    goto done;
nomem:
    PyErr_NoMemory();
done:
    free(ubuf);
    PyMem_Free(ha);
    PyMem_Free(hb);
    PyMem_Free(keys);
    PyMem_Free(slot);
    PyMem_Free(first);
    PyMem_Free(count);
    PyMem_Free(title);
    hset_free(&line_words);
    hset_free(&title_words);
    lex_free(&lx);
    drop_lines(v, n);
    PyMem_Free(folded);
    release(&lb);
    release(&db);
    release(&wb);
    release(&pb);
    release(&ib);
    release(&ob);
    return result;
}


/* How many tokens ahead add_token_rows fetches weight rows, and the cache line it assumes. */
#define PREFETCH_TOKENS 4
#define CACHE_LINE 64
#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* ---------------------------------------------------------------------------------------- */
/* Two loops of the classifier: the hashed-token rows of the first stage's hidden layer, and
 * the running summaries of the second stage's input.                                        */

PyDoc_STRVAR(add_token_rows_doc,
"add_token_rows(indptr, indices, weights, n, h, out)\n--\n\n"
"``out[i] += sum of weights[indices[t]] * w_i`` over line i's tokens t, w_i = 1 / sqrt(tokens of\n"
"line i) as a float32: the product of tokens.weighted_token_matrix with ``weights`` (float32,\n"
"n_buckets x h), summed in the order SciPy's CSR kernel uses.  ``indptr``: int64 n + 1;\n"
"``indices``: int32; ``out``: float32, n x h.");

static PyObject *add_token_rows(PyObject *self, PyObject *args)
{
    PyObject *indptr_obj, *indices_obj, *w_obj, *out_obj;
    Py_ssize_t n, h;
    if (!PyArg_ParseTuple(args, "OOOnnO:add_token_rows", &indptr_obj, &indices_obj, &w_obj, &n, &h, &out_obj))
        return NULL;
    buf_t pb = {0}, ib = {0}, wb = {0}, ob = {0};
    PyObject *result = NULL;
    float *row = NULL;
    if (n < 0 || h < 1) {
        PyErr_SetString(PyExc_ValueError, "add_token_rows: bad shape");
        return NULL;
    }
    if (get_buffer(indptr_obj, &pb, 8, "i", n + 1, 0, "indptr") < 0
        || get_buffer(indices_obj, &ib, 4, "i", 0, 0, "indices") < 0
        || get_buffer(w_obj, &wb, 4, "f", h, 0, "weights") < 0
        || get_buffer(out_obj, &ob, 4, "f", n * h, 1, "out") < 0)
        goto done;
    const int64_t *indptr = pb.view.buf;
    const int32_t *indices = ib.view.buf;
    const float *W = wb.view.buf;
    float *out = ob.view.buf;
    Py_ssize_t n_idx = ib.view.len / 4, n_rows = wb.view.len / 4 / h;
    /* check everything before the loop, which then needs no bounds checks */
    if (indptr[0] != 0 || indptr[n] > n_idx) {
        PyErr_SetString(PyExc_ValueError, "add_token_rows: indptr does not fit indices");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        if (indptr[i + 1] < indptr[i]) {
            PyErr_SetString(PyExc_ValueError, "add_token_rows: indptr decreases");
            goto done;
        }
    for (Py_ssize_t t = 0; t < indptr[n]; t++)
        if (indices[t] < 0 || indices[t] >= n_rows) {
            PyErr_SetString(PyExc_ValueError, "add_token_rows: a bucket index out of range");
            goto done;
        }
    Py_ssize_t n_tok = indptr[n];
    row = PyMem_Malloc(h * sizeof(float));
    if (!row) {
        PyErr_NoMemory();
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t a = indptr[i], b = indptr[i + 1];
        if (a == b)
            continue;
        /* as weighted_token_matrix: 1 / sqrt in double, then float32 */
        float w = (float)(1.0 / sqrt((double)(b - a)));
        /* the line's sum first, then added to out (SciPy computes the product, then +=) */
        for (Py_ssize_t j = 0; j < h; j++)
            row[j] = 0.0f;
        for (Py_ssize_t t = a; t < b; t++) {
            const float *x = W + (Py_ssize_t)indices[t] * h;
            if (t + PREFETCH_TOKENS < n_tok) {
                /* the rows are scattered over the table (8 MiB for the shipped model):
                 * fetching a later token's row while this one is summed hides the misses */
                const char *next = (const char *)(W + (Py_ssize_t)indices[t + PREFETCH_TOKENS] * h);
                for (Py_ssize_t q = 0; q < h * (Py_ssize_t)sizeof(float); q += CACHE_LINE)
                    PREFETCH(next + q);
            }
            for (Py_ssize_t j = 0; j < h; j++)
                row[j] += w * x[j];
        }
        float *y = out + i * h;
        for (Py_ssize_t j = 0; j < h; j++)
            y[j] += row[j];
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(row);
    release(&pb);
    release(&ib);
    release(&wb);
    release(&ob);
    return result;
}

PyDoc_STRVAR(running_sums_doc,
"running_sums(P, n, k, doc_lengths, decay, out)\n--\n\n"
"Per document, ``acc[i] = P[i] + decay * acc[i - 1]`` forwards and backwards (in double);\n"
"``out[i, :k]`` is (1 - decay) * acc of the line before i, ``out[i, k:]`` that of the line\n"
"after it (0 at the document's edges), as float32.  ``P``: float32 n x k; ``out``: float32\n"
"n x 2k; ``doc_lengths``: int64, adding up to n.");

static PyObject *running_sums(PyObject *self, PyObject *args)
{
    PyObject *p_obj, *dl_obj, *out_obj;
    Py_ssize_t n, k;
    double decay;
    if (!PyArg_ParseTuple(args, "OnnOdO:running_sums", &p_obj, &n, &k, &dl_obj, &decay, &out_obj))
        return NULL;
    buf_t pb = {0}, db = {0}, ob = {0};
    PyObject *result = NULL;
    double *acc = NULL;
    if (n < 0 || k < 1) {
        PyErr_SetString(PyExc_ValueError, "running_sums: bad shape");
        return NULL;
    }
    if (get_buffer(p_obj, &pb, 4, "f", n * k, 0, "P") < 0 || get_buffer(dl_obj, &db, 8, "i", 0, 0, "doc_lengths") < 0
        || get_buffer(out_obj, &ob, 4, "f", n * 2 * k, 1, "out") < 0)
        goto done;
    const float *P = pb.view.buf;
    const int64_t *lengths = db.view.buf;
    Py_ssize_t n_docs = db.view.len / 8;
    if (check_doc_lengths(lengths, n_docs, n, "rows", NULL) < 0)
        goto done;
    acc = PyMem_Malloc(k * sizeof(double));
    if (!acc) {
        PyErr_NoMemory();
        goto done;
    }
    float *out = ob.view.buf;
    double scale = 1.0 - decay;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t a = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t b = a + lengths[d];
        for (Py_ssize_t j = 0; j < k; j++)
            acc[j] = 0.0;
        for (Py_ssize_t i = a; i < b; i++) { /* before: the lines above i */
            for (Py_ssize_t j = 0; j < k; j++) {
                out[i * 2 * k + j] = (float)(scale * acc[j]);
                acc[j] = P[i * k + j] + decay * acc[j];
            }
        }
        for (Py_ssize_t j = 0; j < k; j++)
            acc[j] = 0.0;
        for (Py_ssize_t i = b - 1; i >= a; i--) { /* after: the lines below i */
            for (Py_ssize_t j = 0; j < k; j++) {
                out[i * 2 * k + k + j] = (float)(scale * acc[j]);
                acc[j] = P[i * k + j] + decay * acc[j];
            }
        }
        a = b;
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(acc);
    release(&pb);
    release(&db);
    release(&ob);
    return result;
}

PyDoc_STRVAR(stage2_inputs_doc,
"stage2_inputs(P, own, n, k, n_own, doc_lengths, offsets, decays, mean, scale, out)\n--\n\n"
"classifier.stage2_inputs into ``out`` (float32, n x (k + len(offsets) * (k + 1)\n"
"+ 2k * len(decays) + n_own)): per line its scores ``P`` (float32 n x k), each neighbour's\n"
"scores and whether it exists (same document), the running summaries of each decay (as\n"
"running_sums, one after another), and ``own`` (float32 n x n_own);\n"
"then, when ``mean`` and ``scale`` (float32) are not None, (z - mean) / scale in float32.");

static PyObject *stage2_inputs(PyObject *self, PyObject *args)
{
    PyObject *p_obj, *own_obj, *dl_obj, *off_obj, *dec_obj, *mean_obj, *scale_obj, *out_obj;
    Py_ssize_t n, k, n_own;
    if (!PyArg_ParseTuple(args, "OOnnnOOOOOO:stage2_inputs", &p_obj, &own_obj, &n, &k, &n_own, &dl_obj,
                          &off_obj, &dec_obj, &mean_obj, &scale_obj, &out_obj))
        return NULL;
    buf_t pb = {0}, wb = {0}, db = {0}, mb = {0}, sb = {0}, ob = {0};
    PyObject *result = NULL, *offs = NULL, *decs = NULL;
    Py_ssize_t *offsets = NULL;
    double *acc = NULL, *decays = NULL;
    int standardise = mean_obj != Py_None;
    if (n < 0 || k < 1 || n_own < 0 || standardise != (scale_obj != Py_None)) {
        PyErr_SetString(PyExc_ValueError, "stage2_inputs: bad shape, or mean without scale");
        return NULL;
    }
    offs = PySequence_Fast(off_obj, "offsets must be a sequence of int");
    if (!offs)
        return NULL;
    decs = PySequence_Fast(dec_obj, "decays must be a sequence of float");
    if (!decs) {
        Py_DECREF(offs);
        return NULL;
    }
    Py_ssize_t n_off = PySequence_Fast_GET_SIZE(offs), n_dec = PySequence_Fast_GET_SIZE(decs);
    Py_ssize_t width = k + n_off * (k + 1) + 2 * k * n_dec + n_own;
    offsets = PyMem_Malloc((n_off + 1) * sizeof(Py_ssize_t));
    decays = PyMem_Malloc((n_dec + 1) * sizeof(double));
    acc = PyMem_Malloc(k * sizeof(double));
    if (!offsets || !decays || !acc) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t q = 0; q < n_off; q++) {
        offsets[q] = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(offs, q));
        if (offsets[q] == -1 && PyErr_Occurred())
            goto done;
    }
    for (Py_ssize_t q = 0; q < n_dec; q++) {
        decays[q] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(decs, q));
        if (decays[q] == -1.0 && PyErr_Occurred())
            goto done;
    }
    if (get_buffer(p_obj, &pb, 4, "f", n * k, 0, "P") < 0
        || get_buffer(own_obj, &wb, 4, "f", n * n_own, 0, "own") < 0
        || get_buffer(dl_obj, &db, 8, "i", 0, 0, "doc_lengths") < 0
        || (standardise && (get_buffer(mean_obj, &mb, 4, "f", width, 0, "mean") < 0
                            || get_buffer(scale_obj, &sb, 4, "f", width, 0, "scale") < 0))
        || get_buffer(out_obj, &ob, 4, "f", n * width, 1, "out") < 0)
        goto done;
    const float *P = pb.view.buf, *own = wb.view.buf;
    const float *mean = standardise ? mb.view.buf : NULL, *scale = standardise ? sb.view.buf : NULL;
    const int64_t *lengths = db.view.buf;
    float *out = ob.view.buf;
    Py_ssize_t n_docs = db.view.len / 8;
    if (check_doc_lengths(lengths, n_docs, n, "rows", NULL) < 0)
        goto done;
    Py_ssize_t col = k + n_off * (k + 1); /* where the running summaries start */
    Py_ssize_t own_col = col + 2 * k * n_dec;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t a = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t b = a + lengths[d];
        for (Py_ssize_t i = a; i < b; i++) {
            float *row = out + i * width;
            memcpy(row, P + i * k, k * sizeof(float));
            Py_ssize_t c = k;
            for (Py_ssize_t q = 0; q < n_off; q++, c += k + 1) {
                Py_ssize_t j = i + offsets[q];
                if (j >= a && j < b) {
                    memcpy(row + c, P + j * k, k * sizeof(float));
                    row[c + k] = 1.0f;
                } else {
                    memset(row + c, 0, (k + 1) * sizeof(float));
                }
            }
            memcpy(row + own_col, own + i * n_own, n_own * sizeof(float));
        }
        /* running summaries of each decay, as running_sums */
        for (Py_ssize_t q = 0; q < n_dec; q++) {
            double decay = decays[q], keep = 1.0 - decay;
            Py_ssize_t c = col + 2 * k * q;
            for (Py_ssize_t j = 0; j < k; j++)
                acc[j] = 0.0;
            for (Py_ssize_t i = a; i < b; i++)
                for (Py_ssize_t j = 0; j < k; j++) {
                    out[i * width + c + j] = (float)(keep * acc[j]);
                    acc[j] = P[i * k + j] + decay * acc[j];
                }
            for (Py_ssize_t j = 0; j < k; j++)
                acc[j] = 0.0;
            for (Py_ssize_t i = b - 1; i >= a; i--)
                for (Py_ssize_t j = 0; j < k; j++) {
                    out[i * width + c + k + j] = (float)(keep * acc[j]);
                    acc[j] = P[i * k + j] + decay * acc[j];
                }
        }
        a = b;
    }
    if (standardise)
        for (Py_ssize_t i = 0; i < n; i++) {
            float *row = out + i * width;
            for (Py_ssize_t j = 0; j < width; j++) {
                float centred = row[j] - mean[j]; /* two float32 steps, as Z -= mean; Z /= scale */
                row[j] = centred / scale[j];
            }
        }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(offsets);
    PyMem_Free(decays);
    PyMem_Free(acc);
    Py_XDECREF(offs);
    Py_XDECREF(decs);
    release(&pb);
    release(&wb);
    release(&db);
    release(&mb);
    release(&sb);
    release(&ob);
    return result;
}

PyDoc_STRVAR(forward_backward_doc,
"forward_backward(P, n, k, doc_lengths, T, out)\n--\n\n"
"Per document, the posterior marginals of a chain whose emissions are the rows of ``P``\n"
"(float32 n x k, scores >= 0) and whose transitions are ``T`` (float32 k x k, ``T[a, b]``\n"
"from label a to label b): ``out[i] = alpha[i] * beta[i]``, normalised to sum 1, with\n"
"``alpha[i] = (alpha[i - 1] @ T) * P[i]`` and ``beta[i] = T @ (P[i + 1] * beta[i + 1])``,\n"
"each normalised as it goes (in double).  A line whose scores are all 0 carries no evidence:\n"
"its forward message restarts from uniform.  A posterior that is all 0 is copied from ``P``.\n"
"``out``: float32 n x k; ``doc_lengths``: int64, adding up to n.");

static PyObject *forward_backward(PyObject *self, PyObject *args)
{
    PyObject *p_obj, *dl_obj, *t_obj, *out_obj;
    Py_ssize_t n, k;
    if (!PyArg_ParseTuple(args, "OnnOOO:forward_backward", &p_obj, &n, &k, &dl_obj, &t_obj, &out_obj))
        return NULL;
    buf_t pb = {0}, db = {0}, tb = {0}, ob = {0};
    PyObject *result = NULL;
    double *alpha = NULL, *beta = NULL, *tmp = NULL;
    if (n < 0 || k < 1) {
        PyErr_SetString(PyExc_ValueError, "forward_backward: bad shape");
        return NULL;
    }
    if (get_buffer(p_obj, &pb, 4, "f", n * k, 0, "P") < 0 || get_buffer(dl_obj, &db, 8, "i", 0, 0, "doc_lengths") < 0
        || get_buffer(t_obj, &tb, 4, "f", k * k, 0, "T") < 0
        || get_buffer(out_obj, &ob, 4, "f", n * k, 1, "out") < 0)
        goto done;
    const float *P = pb.view.buf, *T = tb.view.buf;
    const int64_t *lengths = db.view.buf;
    Py_ssize_t n_docs = db.view.len / 8;
    if (check_doc_lengths(lengths, n_docs, n, "rows", NULL) < 0)
        goto done;
    alpha = PyMem_Malloc((n > 0 ? n : 1) * k * sizeof(double));
    beta = PyMem_Malloc(k * sizeof(double));
    tmp = PyMem_Malloc(k * sizeof(double));
    if (!alpha || !beta || !tmp) {
        PyErr_NoMemory();
        goto done;
    }
    float *out = ob.view.buf;
    Py_BEGIN_ALLOW_THREADS
    Py_ssize_t a = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        Py_ssize_t b = a + lengths[d];
        for (Py_ssize_t i = a; i < b; i++) { /* forward: alpha[i] = (alpha[i - 1] @ T) * P[i] */
            double *al = alpha + i * k, total = 0.0;
            for (Py_ssize_t j = 0; j < k; j++) {
                double s = 1.0;
                if (i > a) {
                    s = 0.0;
                    for (Py_ssize_t q = 0; q < k; q++)
                        s += alpha[(i - 1) * k + q] * T[q * k + j];
                }
                al[j] = s * P[i * k + j];
                total += al[j];
            }
            for (Py_ssize_t j = 0; j < k; j++)
                al[j] = total > 0.0 ? al[j] / total : 1.0 / (double)k;
        }
        for (Py_ssize_t j = 0; j < k; j++)
            beta[j] = 1.0;
        for (Py_ssize_t i = b - 1; i >= a; i--) {
            if (i < b - 1) { /* beta[i] = T @ (P[i + 1] * beta[i + 1]) */
                double total = 0.0;
                for (Py_ssize_t q = 0; q < k; q++)
                    tmp[q] = P[(i + 1) * k + q] * beta[q];
                for (Py_ssize_t j = 0; j < k; j++) {
                    double s = 0.0;
                    for (Py_ssize_t q = 0; q < k; q++)
                        s += T[j * k + q] * tmp[q];
                    beta[j] = s;
                    total += s;
                }
                for (Py_ssize_t j = 0; j < k; j++)
                    beta[j] = total > 0.0 ? beta[j] / total : 1.0;
            }
            double total = 0.0;
            for (Py_ssize_t j = 0; j < k; j++)
                total += alpha[i * k + j] * beta[j];
            for (Py_ssize_t j = 0; j < k; j++)
                out[i * k + j] = total > 0.0 ? (float)(alpha[i * k + j] * beta[j] / total) : P[i * k + j];
        }
        a = b;
    }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(alpha);
    PyMem_Free(beta);
    PyMem_Free(tmp);
    release(&pb);
    release(&db);
    release(&tb);
    release(&ob);
    return result;
}

/* GCC keeps the clamp's comparisons as branches (so the gate loops do not vectorise) unless
 * told that floating-point comparisons may not trap; nothing here reads the FP exception flags. */
#if defined(__GNUC__) && !defined(__clang__)
#define NO_TRAPPING_MATH __attribute__((optimize("no-trapping-math")))
#else
#define NO_TRAPPING_MATH
#endif
/* The GRU step is a small product and elementwise gates: with AVX2 and FMA (x86-64-v3) it runs
 * about 1.8 times as fast as with the baseline's SSE2.  GCC compiles both and picks one when the
 * module loads (target_clones, resolved by glibc's ifunc); elsewhere the baseline build is the only one. */
#if defined(__GNUC__) && __GNUC__ >= 11 && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__)
#define GRU_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define GRU_CLONES
#endif

/* tanh of a float32, to within 4e-7 of the exact value: the rational approximation of Eigen's
 * and TensorFlow's float tanh (odd degree-13 numerator over even degree-6 denominator, inputs
 * clamped to +-7.905..., where it is 1 in float32).  libm's tanhf per value would cost about as
 * much as the rest of the GRU step; this form has no branch, so the loops below vectorise. */
NO_TRAPPING_MATH static inline float fast_tanhf(float v)
{
    const float clamp = 7.90531110763549805f;
    float x = v > clamp ? clamp : v;
    x = x < -clamp ? -clamp : x;
    float x2 = x * x;
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = x2 * p + -8.60467152213735e-11f;
    p = x2 * p + 5.12229709037114e-08f;
    p = x2 * p + 1.48572235717979e-05f;
    p = x2 * p + 6.37261928875436e-04f;
    p = x2 * p + 4.89352455891786e-03f;
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = x2 * q + 2.26843463243900e-03f;
    q = x2 * q + 4.89352518554385e-03f;
    return x * p / q;
}

/* One step of one GRU for the ``width`` rows of a step: ``gh`` (width x 3h scratch) gets
 * prev @ Wh, then the gates; ``prev`` is NULL at step 0 (zero state). */
GRU_CLONES NO_TRAPPING_MATH static void gru_step(const float *restrict x, const float *restrict prev, const float *restrict W,
                     const float *restrict bn, float *restrict gh, float *restrict new, Py_ssize_t width,
                     Py_ssize_t h)
{
    const Py_ssize_t h3 = 3 * h;
    memset(gh, 0, (size_t)(width * h3) * sizeof(float));
    if (prev)
        for (Py_ssize_t i = 0; i < width; i++) /* gh = prev @ Wh: Wh's rows, one per state unit, added up */
            for (Py_ssize_t k = 0; k < h; k++) {
                const float pk = prev[i * h + k];
                const float *restrict wk = W + k * h3;
                float *restrict gi = gh + i * h3;
                for (Py_ssize_t j = 0; j < h3; j++)
                    gi[j] += pk * wk[j];
            }
    for (Py_ssize_t i = 0; i < width; i++) {
        float *restrict g = gh + i * h3;
        const float *restrict xi = x + i * h3;
        /* reset and update gates: sigmoid(v) = 0.5 * tanh(0.5 * v) + 0.5, as the numpy code */
        for (Py_ssize_t j = 0; j < 2 * h; j++)
            g[j] = 0.5f * fast_tanhf(0.5f * (g[j] + xi[j])) + 0.5f;
        for (Py_ssize_t j = 0; j < h; j++)
            g[2 * h + j] = fast_tanhf(xi[2 * h + j] + g[j] * (g[2 * h + j] + bn[j]));
        float *restrict ni = new + i * h;
        if (prev) {
            const float *restrict pi = prev + i * h;
            for (Py_ssize_t j = 0; j < h; j++) /* (1 - u) * c + u * h_prev */
                ni[j] = (pi[j] - g[2 * h + j]) * g[h + j] + g[2 * h + j];
        } else {
            for (Py_ssize_t j = 0; j < h; j++)
                ni[j] = g[2 * h + j] - g[2 * h + j] * g[h + j];
        }
    }
}

PyDoc_STRVAR(gru_steps_doc,
"gru_steps(gi, G, N, h, Wh, bh_n, offsets, out)\n--\n\n"
"Run ``G`` GRUs of ``h`` units over rows in step order, as boilerline.model.recurrent._run does\n"
"with numpy: ``gi`` (float32 G x N x 3h) holds each row's input products (input biases and the\n"
"reset and update gates' recurrent biases added), ``Wh`` (float32 G x h x 3h) the recurrent\n"
"weights, ``bh_n`` (float32 G x h) the new gate's recurrent bias; gate columns reset, update, new.\n"
"Step t's rows are ``offsets[t]:offsets[t + 1]`` (int64, from 0 to N, each step no wider than\n"
"the one before), and row i of step t continues row i of step t - 1 (step 0 starts from zeros).\n"
"Writes each row's state to ``out`` (float32 G x N x h).  tanh is a rational approximation\n"
"(within 4e-7), so the states agree with numpy's to about 1e-6, not bit for bit.");

static PyObject *gru_steps(PyObject *self, PyObject *args)
{
    PyObject *gi_obj, *wh_obj, *bh_obj, *off_obj, *out_obj;
    Py_ssize_t G, N, h;
    if (!PyArg_ParseTuple(args, "OnnnOOOO:gru_steps", &gi_obj, &G, &N, &h, &wh_obj, &bh_obj, &off_obj, &out_obj))
        return NULL;
    if (G < 0 || N < 0 || h < 1) {
        PyErr_SetString(PyExc_ValueError, "gru_steps: bad shape");
        return NULL;
    }
    buf_t gb = {0}, wb = {0}, bb = {0}, fb = {0}, ob = {0};
    PyObject *result = NULL;
    float *gh = NULL;
    if (get_buffer(gi_obj, &gb, 4, "f", G * N * 3 * h, 0, "gi") < 0
        || get_buffer(wh_obj, &wb, 4, "f", G * h * 3 * h, 0, "Wh") < 0
        || get_buffer(bh_obj, &bb, 4, "f", G * h, 0, "bh_n") < 0
        || get_buffer(off_obj, &fb, 8, "i", 1, 0, "offsets") < 0
        || get_buffer(out_obj, &ob, 4, "f", G * N * h, 1, "out") < 0)
        goto done;
    const int64_t *offsets = fb.view.buf;
    Py_ssize_t steps = fb.view.len / 8 - 1;
    if (offsets[0] != 0 || offsets[steps] != N) {
        PyErr_SetString(PyExc_ValueError, "gru_steps: offsets must run from 0 to N");
        goto done;
    }
    for (Py_ssize_t t = 0; t < steps; t++) {
        int64_t width = offsets[t + 1] - offsets[t];
        if (width < 0 || (t > 0 && width > offsets[t] - offsets[t - 1])) {
            PyErr_SetString(PyExc_ValueError, "gru_steps: each step must be no wider than the one before");
            goto done;
        }
    }
    Py_ssize_t widest = steps > 0 ? offsets[1] : 0; /* step 0 is the widest */
    gh = PyMem_Malloc((size_t)((widest > 0 ? widest : 1) * 3 * h) * sizeof(float));
    if (!gh) {
        PyErr_NoMemory();
        goto done;
    }
    const float *GI = gb.view.buf, *WH = wb.view.buf, *BH = bb.view.buf;
    float *OUT = ob.view.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t g = 0; g < G; g++)
        for (Py_ssize_t t = 0; t < steps; t++) {
            Py_ssize_t a = offsets[t];
            gru_step(GI + (g * N + a) * 3 * h, t > 0 ? OUT + (g * N + offsets[t - 1]) * h : NULL,
                     WH + g * h * 3 * h, BH + g * h, gh, OUT + (g * N + a) * h, offsets[t + 1] - a, h);
        }
    Py_END_ALLOW_THREADS
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(gh);
    release(&gb);
    release(&wb);
    release(&bb);
    release(&fb);
    release(&ob);
    return result;
}

PyDoc_STRVAR(split_blank_doc,
"split_blank(lines, where)\n--\n\n"
"The str.strip() of each line that is not blank after it, as a list; their positions in\n"
"``lines`` go to ``where`` (int64, at least len(lines)).  None when an item is not a str\n"
"(the caller reports it).");

static PyObject *split_blank(PyObject *self, PyObject *args)
{
    PyObject *lines, *where_obj;
    if (!PyArg_ParseTuple(args, "OO:split_blank", &lines, &where_obj))
        return NULL;
    PyObject *seq = PySequence_Fast(lines, "lines must be a sequence of str");
    if (!seq)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    buf_t wb = {0};
    PyObject *kept = NULL;
    if (get_buffer(where_obj, &wb, 8, "i", n, 1, "where") < 0)
        goto fail;
    kept = PyList_New(0);
    if (!kept)
        goto fail;
    int64_t *where = wb.view.buf;
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = items[i];
        if (!PyUnicode_Check(s)) {
            Py_CLEAR(kept);
            release(&wb);
            Py_DECREF(seq);
            Py_RETURN_NONE;
        }
#if PY_VERSION_HEX < 0x030C0000
        if (PyUnicode_READY(s) < 0)
            goto fail;
#endif
        /* str.strip(): Py_UNICODE_ISSPACE at both ends; the line itself when nothing goes */
        const void *data = PyUnicode_DATA(s);
        int kind = PyUnicode_KIND(s);
        Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(s);
        while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a)))
            a++;
        while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1)))
            b--;
        if (a == b)
            continue;
        PyObject *t = PyUnicode_Substring(s, a, b);
        if (!t)
            goto fail;
        where[PyList_GET_SIZE(kept)] = i;
        int err = PyList_Append(kept, t);
        Py_DECREF(t);
        if (err < 0)
            goto fail;
    }
    release(&wb);
    Py_DECREF(seq);
    return kept;
fail:
    Py_XDECREF(kept);
    release(&wb);
    Py_DECREF(seq);
    return NULL;
}

/* ---------------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"line_stats", line_stats, METH_VARARGS, line_stats_doc},
    {"text_stats", text_stats, METH_VARARGS, text_stats_doc},
    {"add_token_rows", add_token_rows, METH_VARARGS, add_token_rows_doc},
    {"running_sums", running_sums, METH_VARARGS, running_sums_doc},
    {"stage2_inputs", stage2_inputs, METH_VARARGS, stage2_inputs_doc},
    {"forward_backward", forward_backward, METH_VARARGS, forward_backward_doc},
    {"gru_steps", gru_steps, METH_VARARGS, gru_steps_doc},
    {"split_blank", split_blank, METH_VARARGS, split_blank_doc},
    {"lexicon_counts", lexicon_counts, METH_VARARGS, lexicon_counts_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_ccore",
    "Compiled per-character loops of boilerline's line features (optional; see features/_ccore.c).",
    -1, methods,
};

static PyObject *names_tuple(const char **names, int n)
{
    PyObject *t = PyTuple_New(n);
    if (!t)
        return NULL;
    for (int k = 0; k < n; k++) {
        PyObject *s = PyUnicode_FromString(names[k]);
        if (!s) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, k, s);
    }
    return t;
}

PyMODINIT_FUNC PyInit__ccore(void)
{
    init_crc_table();
    init_prefix_crcs();
    if (!str_casefold) {
        str_casefold = PyObject_GetAttrString((PyObject *)&PyUnicode_Type, "casefold");
        if (!str_casefold)
            return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (!m)
        return NULL;
    if (PyModule_AddObject(m, "STAT_NAMES", names_tuple(STAT_NAMES, N_STATS)) < 0
        || PyModule_AddObject(m, "CLASS_NAMES", names_tuple(CLASS_NAMES, N_CLASSES)) < 0
        || PyModule_AddObject(m, "DOC_STAT_NAMES", names_tuple(DOC_STAT_NAMES, N_DOC_STATS)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
