/* The C entry points of the CUDA module (librwb_cuda.so), shared by the module and the engine's
 * loader. Plain C types only: the module is loaded with dlopen, so nothing C++ crosses the
 * boundary. Bump RWB_CUDA_ABI_VERSION whenever a struct or a signature changes; the loader
 * refuses a module of another version. Errors: functions returning int give 0 on success and
 * write one line into err (err_size bytes, always terminated). */
#ifndef RWB_CUDA_ABI_H
#define RWB_CUDA_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RWB_CUDA_ABI_VERSION 5

/* A 2-D weight in its file type (ggml type id), `rows` rows of `cols` elements, row_bytes apart,
 * in host memory (the mapped file). */
typedef struct {
    uint32_t type;
    const void* data;
    int64_t rows;
    int64_t cols;
    uint64_t row_bytes;
} rwb_cuda_matrix;

typedef struct {
    const float* attn_norm; /* [n_embd] */
    rwb_cuda_matrix wq, wk, wv, wo;
    const float* bq;       /* [q_dim] or NULL (qwen2 biases) */
    const float* bk;       /* [kv_dim] or NULL */
    const float* bv;       /* [kv_dim] or NULL */
    const float* ffn_norm; /* [n_embd] */
    rwb_cuda_matrix gate, up, down;
} rwb_cuda_layer;

typedef struct {
    int64_t n_embd, n_layer, n_head, n_head_kv, head_dim, n_ff, n_vocab, n_rot;
    double rms_eps;
    int rope_neox;          /* 1: pairs (x[i], x[i + n_rot/2]); 0: (x[2i], x[2i+1]) */
    const double* inv_freq; /* [n_rot / 2] */
    const rwb_cuda_layer* layers;
    const float* output_norm;
    rwb_cuda_matrix output;
    /* Placement: the first n_gpu_layers layers go to the GPU (the output layer too when all
     * do); -1 = as many as fit. Planning reserves one session of plan_n_ctx tokens and
     * plan_max_batch rows next to the weights. */
    int n_gpu_layers;
    int64_t plan_n_ctx;
    int64_t plan_max_batch;
} rwb_cuda_model_desc;

/* Returning nonzero from the progress callback cancels the upload. */
typedef int (*rwb_cuda_progress_fn)(void* user, double fraction);

typedef struct rwb_cuda_model rwb_cuda_model;
typedef struct rwb_cuda_session rwb_cuda_session;

int rwb_cuda_abi_version(void);
/* Number of usable devices (0 with the reason in message when none). */
int rwb_cuda_device_count(char* message, int message_size);
/* Name and memory of device 0. */
int rwb_cuda_device_info(char* name, int name_size, uint64_t* free_bytes, uint64_t* total_bytes,
                         char* err, int err_size);
/* Name, free and total memory (cudaMemGetInfo) of device `device` (0 .. device count - 1). The
 * calling thread's current device is left as it was. */
int rwb_cuda_device_memory(int device, char* name, int name_size, uint64_t* free_bytes,
                           uint64_t* total_bytes, char* err, int err_size);

/* Plans the placement (exact byte counts against free VRAM), allocates and uploads. On success
 * *out_gpu_layers is the number of layers placed. */
rwb_cuda_model* rwb_cuda_model_create(const rwb_cuda_model_desc* desc,
                                      rwb_cuda_progress_fn progress, void* user,
                                      int* out_gpu_layers, uint64_t* out_vram_bytes, char* err,
                                      int err_size);
void rwb_cuda_model_destroy(rwb_cuda_model* model);

/* A KV cache (F16, up to n_ctx positions of the model's GPU layers; refused when n_ctx could not
 * fit now, then taken as it fills) and activation buffers of max_batch rows. */
rwb_cuda_session* rwb_cuda_session_create(rwb_cuda_model* model, int64_t n_ctx, int64_t max_batch,
                                          char* err, int err_size);
void rwb_cuda_session_destroy(rwb_cuda_session* session);

/* out_mode values of rwb_cuda_session_eval. */
#define RWB_CUDA_OUT_HIDDEN 0      /* out: [n][n_embd] hidden state after the GPU layers */
#define RWB_CUDA_OUT_LOGITS_LAST 1 /* out: [n_vocab] logits of the last row (all layers on GPU) */
#define RWB_CUDA_OUT_LOGITS_ALL 2  /* out: [n][n_vocab] */
/* out unused (NULL): the last row's logits stay in the session's device buffer, for
 * rwb_cuda_session_select and rwb_cuda_session_logits (all layers on the GPU). */
#define RWB_CUDA_OUT_LOGITS_DEVICE 3

/* x: [n][n_embd] embeddings of the n tokens at positions pos0 .. pos0+n-1. When the KV cache must
 * grow and the memory (or RWB_CUDA_VRAM_LIMIT_MIB) does not allow it, fails before running with
 * "out of GPU memory: ..." and changes nothing; other sessions are not affected. */
int rwb_cuda_session_eval(rwb_cuda_session* session, const float* x, int64_t n, int64_t pos0,
                          float* out, int out_mode, char* err, int err_size);

/* One decode step of several sessions of the same model at once (weights read once for all):
 * x: [count][n_embd], pos[i]: position of session i's token, out: [count][n_vocab] logits
 * (all layers on the GPU) or [count][n_embd] hidden (out_mode as above). With
 * RWB_CUDA_OUT_LOGITS_DEVICE (out unused) each session's row stays on the device for
 * rwb_cuda_session_select / rwb_cuda_session_logits, as after its own such evaluation; a session
 * whose sampling buffers cannot be taken fails the step before it runs ("session i of count: out
 * of GPU memory: ... for sampling on the device"). A session whose cache cannot grow fails the
 * step before it runs ("session i of count: out of GPU memory: ..."); shared buffers that cannot
 * grow to count rows run it as smaller batches. */
int rwb_cuda_batch_decode(rwb_cuda_session* const* sessions, int count, const float* x,
                          const int64_t* pos, float* out, int out_mode, char* err, int err_size);

/* Sampling on the device: the row an RWB_CUDA_OUT_LOGITS_DEVICE evaluation left on the device,
 * reduced to what the CPU sampler needs (engine/sampling: Sampler::sample_reduced). */
#define RWB_CUDA_SELECT_ARGMAX 0  /* the best token (NaN never wins, ties: lowest id) */
#define RWB_CUDA_SELECT_TOP_K 1   /* the top_k best of logits * inv_temperature, best first */
#define RWB_CUDA_SELECT_NUCLEUS 2 /* max, softmax sum and the tokens that can pass top_p/min_p */
#define RWB_CUDA_SELECT_MAX_TOP_K 1024
#define RWB_CUDA_SELECT_CAPACITY 4096 /* most nucleus candidates one selection returns */

#define RWB_CUDA_SELECT_MAX_PENALTY_IDS 4096

typedef struct {
    int kind;
    int top_k;
    float inv_temperature; /* 1.0f / temperature, as the CPU sampler computes it */
    float top_p;
    float min_p;
    /* Penalties applied to (a copy of) the row first: penalty_count distinct ids in [0, n_vocab)
     * (at most RWB_CUDA_SELECT_MAX_PENALTY_IDS) with their counts in the window; 0: none. */
    int penalty_count;
    const int32_t* penalty_ids;
    const float* penalty_counts;
    float repetition, presence, frequency;
} rwb_cuda_select_request;

typedef struct {
    int32_t id;
    float logit; /* logits[id] * inv_temperature (argmax: unused) */
} rwb_cuda_candidate;

/* One reduction and one small download (pinned memory). *count: candidates written to out
 * (argmax: 1, the id in out[0]; top-k: min(top_k, n_vocab); nucleus: in any order), or -1 when more
 * nucleus candidates survive than capacity (or nothing in the row is finite): the caller then
 * downloads the row (rwb_cuda_session_logits). total and max_logit (nucleus, may be NULL
 * otherwise): the sum over the row of exp(logit * inv_t - max_logit) and the row's maximum times
 * inv_t. Fails ("no logits on the device") unless the session's last evaluation used
 * RWB_CUDA_OUT_LOGITS_DEVICE. */
int rwb_cuda_session_select(rwb_cuda_session* session, const rwb_cuda_select_request* request,
                            rwb_cuda_candidate* out, int capacity, int* count, double* total,
                            float* max_logit, char* err, int err_size);
/* Downloads the row left by the last RWB_CUDA_OUT_LOGITS_DEVICE evaluation: out[n_vocab]. */
int rwb_cuda_session_logits(rwb_cuda_session* session, float* out, char* err, int err_size);

#ifdef __cplusplus
}
#endif

#endif
