// rwb logits -m FILE --tokens "ID ID ..." --out F [--all] [-t N] [--ctx N] [--kv-type f16|f32]:
// runs exactly those token ids (nothing added) and writes the logits of the last position (or of
// every position with --all) as little-endian float32 [n][n_vocab].
#include "cli_args.h"
#include "commands.h"
#include "tool_common.h"

#include "rwb/model.h"
#include "rwb/session.h"

#include <cstdio>
#include <fstream>

namespace rwb::cli {

int cmd_logits(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-m", "--model"}, true, "GGUF model file", "FILE"},
        {{"--tokens"}, true, "token ids separated by spaces or commas", "\"ID ID ...\""},
        {{"-o", "--out"}, true, "output file (float32 little-endian [n][n_vocab])", "FILE"},
        {{"--all"}, false, "write every position's logits, not only the last", ""},
        {{"-t", "--threads"}, true, "worker threads (default: physical cores)", "N"},
        {{"-c", "--ctx"}, true, "context size (default: the number of tokens)", "N"},
        {{"--kv-type"}, true, "KV cache type f16 (default) or f32", "TYPE"},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    std::vector<OptionSpec> all_specs = specs;
    add_backend_options(all_specs);
    auto args = CliArgs::parse(argc, argv, all_specs);
    if (!args) return fail("logits", args.message());
    if (args->has("--help")) {
        std::printf("%s", format_help("rwb logits -m FILE --tokens \"ID ...\" --out FILE [options]",
                                      all_specs)
                              .c_str());
        return 0;
    }
    if (!args->positional().empty())
        return fail("logits", "unexpected argument '" + args->positional()[0] + "'");
    if (!args->has("--model")) return fail("logits", "-m FILE is required");
    if (!args->has("--tokens")) return fail("logits", "--tokens \"ID ID ...\" is required");
    if (!args->has("--out")) return fail("logits", "--out FILE is required");
    auto ids = parse_token_ids(args->get("--tokens"));
    if (!ids) return fail("logits", ids.message());
    if (ids->empty()) return fail("logits", "--tokens is empty");
    auto threads = parse_threads(*args);
    if (!threads) return fail("logits", threads.message());
    auto kv = parse_kv_type(args->get("--kv-type", "f16"));
    if (!kv) return fail("logits", kv.message());

    ModelOptions mo;
    mo.load_tokenizer = false;
    mo.plan_n_ctx = int64_t(ids->size());
    mo.plan_max_batch = std::min<int64_t>(int64_t(ids->size()), 256);
    if (Status st = apply_backend_options(*args, mo); !st) return fail("logits", st.message());
    auto model = Model::load(args->get("--model"), mo);
    if (!model) return fail("logits", model.message());
    print_backend_notice(**model);
    const int64_t n_vocab = (*model)->info().n_vocab;
    for (TokenId id : *ids)
        if (id < 0 || id >= n_vocab)
            return fail("logits", "token id " + std::to_string(id) +
                                      " is outside the vocabulary (0.." +
                                      std::to_string(n_vocab - 1) + ")");
    auto ctx = args->get_int("--ctx", int64_t(ids->size()));
    if (!ctx || *ctx <= 0) return fail("logits", "--ctx must be a positive number");

    SessionOptions so;
    so.n_ctx = *ctx;
    so.n_threads = *threads;
    so.kv_type = *kv;
    auto session = Session::create(*model, so);
    if (!session) return fail("logits", session.message());
    std::vector<float> all;
    const bool want_all = args->has("--all");
    Status s = (*session)->prefill(*ids, want_all ? &all : nullptr);
    if (!s) return fail("logits", s.message());

    const std::string out_path = args->get("--out");
    std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
    if (!out) return fail("logits", "cannot write " + out_path);
    std::span<const float> data = want_all ? std::span<const float>(all) : (*session)->logits();
    if (!write_f32_le(out, data)) return fail("logits", "cannot write " + out_path);
    out.close();
    if (!out) return fail("logits", "cannot write " + out_path);
    return 0;
}

} // namespace rwb::cli
