// Helpers shared by the model-running subcommands (logits, run, bench): token id lists, thread
// counts, KV cache types, little-endian float output.
#pragma once

#include "cli_args.h"

#include "rwb/model.h"
#include "rwb/session.h"
#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <ostream>
#include <span>
#include <string>
#include <vector>

namespace rwb::cli {

// "1 2 3" or "1,2,3" -> ids; anything else is an error naming the bad item.
Result<std::vector<TokenId>> parse_token_ids(const std::string& text);
// -t/--threads: 0 (default) = physical cores, 1..1024.
Result<int> parse_threads(const CliArgs& args);
Result<KvCacheType> parse_kv_type(const std::string& name);
bool write_f32_le(std::ostream& out, std::span<const float> values);

// --backend cpu|cuda|auto and --gpu-layers N, shared by run, bench and logits.
void add_backend_options(std::vector<OptionSpec>& specs);
// Fills o.backend / o.gpu_layers from those options.
Status apply_backend_options(const CliArgs& args, ModelOptions& o);
// The model's one-line backend notice on stderr, if it has one.
void print_backend_notice(const Model& model);

} // namespace rwb::cli
