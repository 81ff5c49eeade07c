// rwb synth --like PRESET|CONFIG.json [--type T] [--seed N] -o OUT.gguf: writes a random-weight
// model of a real (or custom) shape with a working tokenizer, for tests and benchmarks without
// downloading weights. --dry-run lists the tensors and sizes without writing anything.
#include "cli_args.h"
#include "commands.h"

#include "quant/synth_writer.h"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace rwb::cli {

namespace {
Result<quant::SynthShape> load_shape(const std::string& like) {
    if (auto preset = quant::synth_preset(like)) return *preset;
    const bool looks_like_file = like.find('/') != std::string::npos ||
                                 (like.size() > 5 && like.substr(like.size() - 5) == ".json");
    std::string presets;
    for (const auto& n : quant::synth_preset_names()) presets += (presets.empty() ? "" : ", ") + n;
    if (!looks_like_file)
        return Result<quant::SynthShape>::error("unknown model '" + like + "' (one of: " + presets +
                                                ", or a config.json)");
    std::ifstream in(like, std::ios::binary);
    if (!in) return Result<quant::SynthShape>::error("cannot read " + like);
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > (1u << 20))
        return Result<quant::SynthShape>::error(like + " is too large for a config.json");
    auto shape = quant::synth_shape_from_config_json(text.str());
    if (!shape) return shape.status().with_context(like);
    return shape;
}
} // namespace

int cmd_synth(int argc, char** argv) {
    const std::vector<OptionSpec> specs = {
        {{"--like"},
         true,
         "r1-qwen-1.5b|r1-qwen-7b|r1-qwen-14b|r1-qwen-32b|r1-llama-8b|"
         "r1-llama-70b or a HF config.json",
         "MODEL"},
        {{"--type"}, true, "tensor type / mix (default f16)", "TYPE"},
        {{"--seed"}, true, "random seed (default 1)", "N"},
        {{"-o", "--output"}, true, "output GGUF file", "OUT.gguf"},
        {{"-t", "--threads"}, true, "worker threads (default: all)", "N"},
        {{"--dry-run"}, false, "list tensors and sizes, write nothing", ""},
        {{"-q", "--quiet"}, false, "no progress lines", ""},
        {{"-h", "--help"}, false, "show this help", ""},
    };
    auto args = CliArgs::parse(argc, argv, specs);
    if (!args) return fail("synth", args.message());
    if (args->has("--help")) {
        std::printf("%s",
                    format_help("rwb synth --like MODEL [options] -o OUT.gguf", specs).c_str());
        return 0;
    }
    if (!args->positional().empty())
        return fail("synth", "unexpected argument '" + args->positional()[0] + "'");
    if (!args->has("--like")) return fail("synth", "--like MODEL is required (see --help)");
    auto shape = load_shape(args->get("--like"));
    if (!shape) return fail("synth", shape.message());
    const std::string type = args->get("--type", "f16");
    const auto mix = quant::parse_quant_mix(type);
    if (!mix) {
        std::string types;
        for (const auto& n : quant::quant_mix_names()) types += (types.empty() ? "" : " ") + n;
        return fail("synth", "unknown type '" + type + "' (one of: " + types + ")");
    }
    auto seed = args->get_int("--seed", 1);
    if (!seed || seed.value() < 0) return fail("synth", "--seed must be a non-negative number");
    auto threads = args->get_int("--threads", 0);
    if (!threads || threads.value() < 0 || threads.value() > 1024)
        return fail("synth", "--threads must be a number from 0 to 1024");

    if (args->has("--dry-run")) {
        uint64_t total = 0, params = 0;
        const auto plan = quant::synth_plan(*shape, *mix);
        for (const auto& e : plan) {
            std::string dims = std::to_string(e.tensor.ne[0]);
            for (size_t d = 1; d < e.tensor.ne.size(); ++d) {
                dims += 'x';
                dims += std::to_string(e.tensor.ne[d]);
            }
            std::printf("%-28s %-5s %-14s %llu\n", e.tensor.name.c_str(),
                        std::string(ggml_type_name(e.type)).c_str(), dims.c_str(),
                        static_cast<unsigned long long>(e.bytes));
            total += e.bytes;
            params += e.tensor.n_elements();
        }
        std::printf("tensors %zu parameters %llu bytes %llu\n", plan.size(),
                    static_cast<unsigned long long>(params),
                    static_cast<unsigned long long>(total));
        return 0;
    }
    if (!args->has("--output")) return fail("synth", "-o OUT.gguf is required");
    quant::SynthOptions opts;
    opts.seed = uint64_t(seed.value());
    opts.threads = int(threads.value());
    opts.progress = !args->has("--quiet");
    const Status s = quant::write_synth_model(*shape, *mix, opts, args->get("--output"));
    if (!s.is_ok()) return fail("synth", s.message());
    std::fprintf(stderr, "synth: wrote %s (%s, %s)\n", args->get("--output").c_str(),
                 shape->name.c_str(), mix->name.c_str());
    return 0;
}

} // namespace rwb::cli
