// rwb quantize IN.gguf OUT.gguf TYPE [--threads N] [--quiet]: converts a model's tensors to a
// quantization mix (llama.cpp's per-tensor rules), copying all metadata.
#include "cli_args.h"
#include "commands.h"

#include "quant/model_quantizer.h"

#include <cstdio>

namespace rwb::cli {

int cmd_quantize(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-t", "--threads"}, true, "worker threads (default: all)", "N"},
        {{"-q", "--quiet"}, false, "no progress lines", ""},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    std::string types;
    for (const auto& n : quant::quant_mix_names()) types += (types.empty() ? "" : " ") + n;
    const std::string usage = "rwb quantize IN.gguf OUT.gguf TYPE [options]\n  TYPE: " + types;
    auto args = CliArgs::parse(argc, argv, specs);
    if (!args) return fail("quantize", args.message());
    if (args->has("--help")) {
        std::printf("%s", format_help(usage, specs).c_str());
        return 0;
    }
    const auto& pos = args->positional();
    if (pos.size() != 3) return fail("quantize", "expected IN.gguf OUT.gguf TYPE (see --help)");
    const auto mix = quant::parse_quant_mix(pos[2]);
    if (!mix) return fail("quantize", "unknown type '" + pos[2] + "' (one of: " + types + ")");
    auto threads = args->get_int("--threads", 0);
    if (!threads || threads.value() < 0 || threads.value() > 1024)
        return fail("quantize", "--threads must be a number from 0 to 1024");

    quant::QuantizeOptions opts;
    opts.threads = int(threads.value());
    opts.progress = !args->has("--quiet");
    auto summary = quant::quantize_model(pos[0], pos[1], *mix, opts);
    if (!summary) return fail("quantize", summary.message());
    std::fprintf(stderr, "quantize: %zu tensors, %.1f MiB -> %.1f MiB (%s), wrote %s\n",
                 summary->tensors, double(summary->input_tensor_bytes) / 1048576.0,
                 double(summary->output_tensor_bytes) / 1048576.0, mix->name.c_str(),
                 pos[1].c_str());
    return 0;
}

} // namespace rwb::cli
