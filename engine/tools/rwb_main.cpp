// rwb: the command-line face of the engine. Dispatches to one subcommand per file.
#include "commands.h"
#include "rwb/version.h"

#include <cstdio>
#include <cstring>
#include <string>

namespace {

struct Command {
    const char* name;
    int (*run)(int, char**);
    const char* summary;
};

const Command kCommands[] = {
    {"info", rwb::cli::cmd_info, "describe a GGUF file"},
    {"tokenize", rwb::cli::cmd_tokenize, "print the token ids of a text"},
    {"logits", rwb::cli::cmd_logits, "run token ids and write the logits"},
    {"run", rwb::cli::cmd_run, "chat with a model in the terminal"},
    {"bench", rwb::cli::cmd_bench, "measure prompt and generation speed"},
    {"synth", rwb::cli::cmd_synth, "make a random-weight model of a given shape"},
    {"convert", rwb::cli::cmd_convert, "convert a Hugging Face model folder to GGUF"},
    {"quantize", rwb::cli::cmd_quantize, "quantize a GGUF file"},
    {"eval", rwb::cli::cmd_eval, "grade models on a problem set"},
    {"pull", rwb::cli::cmd_pull, "download a model"},
    {"serve", rwb::cli::cmd_serve, "serve models over an OpenAI-compatible API"},
};

void print_usage(FILE* out) {
    std::fprintf(out, "usage: rwb <command> [options]   (rwb <command> --help for details)\n\n");
    std::fprintf(out, "commands:\n");
    for (const auto& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
    std::fprintf(out, "\n  --version  print version, build date, commit and backends\n");
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        print_usage(stderr);
        return 2;
    }
    std::string name = argv[1];
    if (name == "--help" || name == "-h" || name == "help") {
        print_usage(stdout);
        return 0;
    }
    if (name == "--version") {
        std::printf("%s\n", rwb::build_info_text("rwb").c_str());
        return 0;
    }
    for (const auto& c : kCommands)
        if (name == c.name) return c.run(argc - 1, argv + 1);
    std::fprintf(stderr, "rwb: unknown command '%s' (see rwb --help)\n", name.c_str());
    return 2;
}
