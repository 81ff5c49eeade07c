// rwb convert: a Hugging Face model folder (Qwen2ForCausalLM / LlamaForCausalLM, safetensors)
// -> a GGUF file llama.cpp and rwb load, optionally quantized on the way.
#include "cli_args.h"
#include "commands.h"
#include "convert/convert_hf.h"

#include <cstdio>

namespace rwb::cli {

int cmd_convert(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"-o", "--out"}, true, "output GGUF file", "FILE"},
        {{"-t", "--type"},
         true,
         "tensor type / mix: " + convert::convert_type_names() + " (default f16)",
         "TYPE"},
        {{"--threads"}, true, "threads for quantizing (default: all)", "N"},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    auto args = CliArgs::parse(argc, argv, specs);
    if (!args) return fail("convert", args.message());
    if (args->has("--help")) {
        std::fputs(format_help("rwb convert HF_DIR -o OUT.gguf [--type TYPE]", specs).c_str(),
                   stdout);
        return 0;
    }
    if (args->positional().size() != 1) return fail("convert", "expected one HF_DIR (see --help)");
    if (!args->has("--out")) return fail("convert", "missing -o OUT.gguf");
    auto threads = args->get_int("--threads", 0);
    if (!threads) return fail("convert", threads.message());

    convert::ConvertOptions opts;
    opts.hf_dir = args->positional()[0];
    opts.out_path = args->get("--out");
    opts.type = args->get("--type", "f16");
    opts.threads = static_cast<int>(*threads);
    auto report = convert::convert_hf_to_gguf(opts);
    if (!report) return fail("convert", report.message());
    for (const std::string& note : report->notes) std::printf("note: %s\n", note.c_str());
    std::printf(
        "wrote %s: %s, %zu tensors (%.1f MiB), vocabulary %lld (pre-tokenizer %s), type %s\n",
        opts.out_path.c_str(), report->architecture.c_str(), report->n_tensors,
        static_cast<double>(report->tensor_bytes) / (1024.0 * 1024.0),
        static_cast<long long>(report->n_vocab), report->pre_tokenizer.c_str(), opts.type.c_str());
    return 0;
}

} // namespace rwb::cli
