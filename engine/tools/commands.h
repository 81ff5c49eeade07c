// The `rwb` subcommands. Each lives in its own cmd_<name>.cpp; argv[0] is the subcommand name.
#pragma once

namespace rwb::cli {
int cmd_info(int argc, char** argv);
int cmd_tokenize(int argc, char** argv);
int cmd_logits(int argc, char** argv);
int cmd_run(int argc, char** argv);
int cmd_bench(int argc, char** argv);
int cmd_synth(int argc, char** argv);
int cmd_convert(int argc, char** argv);
int cmd_quantize(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_pull(int argc, char** argv);
int cmd_serve(int argc, char** argv);
} // namespace rwb::cli
