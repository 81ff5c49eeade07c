// Statistics of an evaluation, as the DeepSeek-R1 report measures them: with k samples per
// problem, pass@1 is the mean correctness of all samples, pass@k the chance that at least one of
// k samples is right (the unbiased estimator of Chen et al. 2021, which for n = k samples is
// "any sample right"), cons@k the correctness of the majority answer. Plus Wilson score
// intervals for accuracies and the token and time means `rwb eval` and the app report.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace rwb::eval {

// 1 - C(n-c, k) / C(n, k): probability that k of n samples (c of them right) include a right
// one. 0 <= c <= n, 1 <= k <= n; outside that, 0.
double pass_at_k(int n, int c, int k);

// The most frequent answer among the normal forms given (empty ones, "no answer", do not vote);
// a tie goes to the answer that appeared first. nullopt when nothing voted.
std::optional<std::string> majority_answer(std::span<const std::string> normalized_answers);

struct Interval {
    double low = 0, high = 0;
};
// Wilson score interval of a proportion (successes of n; z = 1.96 is 95%). n = 0: [0, 1].
Interval wilson_interval(int64_t successes, int64_t n, double z = 1.96);

// What the statistics need from one finished sample.
struct SampleOutcome {
    std::string answer;     // the extracted answer as written ("" = none)
    std::string normalized; // normalize_answer(answer)
    bool correct = false;
    int64_t thinking_tokens = 0;
    int64_t answer_tokens = 0;
    int64_t generated_tokens = 0;
    double generation_seconds = 0; // decoding time (for tokens per second)
    double wall_seconds = 0;       // the whole sample, prompt included
};

struct ProblemOutcome {
    std::string reference; // the reference answer
    std::vector<SampleOutcome> samples;
};

struct EvalSummary {
    int64_t n = 0;        // problems
    int samples = 1;      // samples per problem (k)
    double accuracy = 0;  // pass@1: mean correctness over all samples
    Interval accuracy_ci; // Wilson interval over all samples (n * k trials)
    double pass_at_k = 0;
    double cons_at_k = 0;
    double mean_thinking_tokens = 0;     // per sample
    double mean_answer_tokens = 0;       // per sample
    double tokens_per_second = 0;        // generated tokens / decoding seconds, over all samples
    double mean_seconds_per_problem = 0; // wall seconds of all samples of a problem, averaged
};

// Majority-vote correctness of one problem's samples.
bool consensus_correct(const ProblemOutcome& problem);

// Problems with fewer than k samples count with what they have (pass@k with n = their count).
EvalSummary summarize(std::span<const ProblemOutcome> problems, int k);

} // namespace rwb::eval
