// Running one evaluation sample: a problem goes to a Session in the R1 chat template (the
// problem as the user's message, generation starting inside "<think>"), the reply is split into
// thought and answer, and the answer part is graded. `rwb eval` and the app's problem-set mode
// both run samples through here, so the same model, problem, parameters and seed give the same
// tokens and the same grade in both.
#pragma once

#include "rwb/eval_stats.h"
#include "rwb/problem_set.h"
#include "rwb/session.h"
#include "rwb/status.h"

#include <cstdint>
#include <string>

namespace rwb::eval {

// The sampler seed of sample `sample` of the problem at `problem_index` (its position in the
// set) for a run seeded with `base_seed`: distinct for every (problem, sample), reproducible.
uint64_t sample_seed(uint64_t base_seed, uint64_t problem_index, uint64_t sample);

struct SampleRun {
    std::string thinking;  // the thought (between <think> and </think>)
    std::string answer;    // the answer part (after </think>)
    std::string extracted; // the final answer found in `answer` ("" = none)
    bool correct = false;
    GenerationStats stats;
    double wall_seconds = 0;                   // prompt + generation
    double seconds_to_first_token = -1;        // from the start; -1: no token
    double seconds_to_first_answer_token = -1; // -1: the answer never started
};

// Clears the session (every sample starts from an empty cache, so results do not depend on
// what ran before), renders the problem with the R1 template and generates with `params`
// (start_in_thought is set). `on_token` may watch the stream and stop it by returning false.
// Fails (one line) when the model has no R1 vocabulary or the prompt does not fit.
Result<SampleRun> run_sample(Session& session, const Problem& problem,
                             const GenerationParams& params, const TokenCallback& on_token = {});

// The statistics' view of a finished sample.
SampleOutcome to_outcome(const SampleRun& run);

} // namespace rwb::eval
