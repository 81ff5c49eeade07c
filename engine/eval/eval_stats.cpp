// Evaluation statistics (see rwb/eval_stats.h).
#include "rwb/eval_stats.h"

#include "rwb/eval_grading.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace rwb::eval {

double pass_at_k(int n, int c, int k) {
    if (n <= 0 || k <= 0 || k > n || c < 0 || c > n) return 0.0;
    if (n - c < k) return 1.0;
    // C(n-c, k) / C(n, k) = prod_{i = n-c+1}^{n} (1 - k / i), numerically stable.
    double fail = 1.0;
    for (int i = n - c + 1; i <= n; ++i) fail *= 1.0 - double(k) / double(i);
    return 1.0 - fail;
}

std::optional<std::string> majority_answer(std::span<const std::string> normalized_answers) {
    std::map<std::string, std::pair<int, size_t>> votes; // answer -> (count, first position)
    for (size_t i = 0; i < normalized_answers.size(); ++i) {
        const std::string& a = normalized_answers[i];
        if (a.empty()) continue;
        auto [it, inserted] = votes.try_emplace(a, 0, i);
        ++it->second.first;
    }
    const std::string* best = nullptr;
    std::pair<int, size_t> best_vote{0, 0};
    for (const auto& [answer, vote] : votes)
        if (!best || vote.first > best_vote.first ||
            (vote.first == best_vote.first && vote.second < best_vote.second)) {
            best = &answer;
            best_vote = vote;
        }
    if (!best) return std::nullopt;
    return *best;
}

Interval wilson_interval(int64_t successes, int64_t n, double z) {
    if (n <= 0) return {0.0, 1.0};
    const double nn = double(n), p = double(successes) / nn, z2 = z * z;
    const double centre = (p + z2 / (2 * nn)) / (1 + z2 / nn);
    const double half = z / (1 + z2 / nn) * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

bool consensus_correct(const ProblemOutcome& problem) {
    std::vector<std::string> answers;
    answers.reserve(problem.samples.size());
    for (const SampleOutcome& s : problem.samples) answers.push_back(s.normalized);
    const auto majority = majority_answer(answers);
    return majority && *majority == normalize_answer(problem.reference);
}

EvalSummary summarize(std::span<const ProblemOutcome> problems, int k) {
    EvalSummary s;
    s.n = int64_t(problems.size());
    s.samples = std::max(1, k);
    int64_t trials = 0, right = 0, thinking = 0, answer = 0, generated = 0;
    double decode_seconds = 0, wall = 0, pass_k = 0, cons_k = 0;
    for (const ProblemOutcome& p : problems) {
        int c = 0;
        for (const SampleOutcome& o : p.samples) {
            c += o.correct ? 1 : 0;
            thinking += o.thinking_tokens;
            answer += o.answer_tokens;
            generated += o.generated_tokens;
            decode_seconds += o.generation_seconds;
            wall += o.wall_seconds;
        }
        const int n = int(p.samples.size());
        trials += n;
        right += c;
        if (n > 0) pass_k += pass_at_k(n, c, std::min(n, s.samples));
        cons_k += consensus_correct(p) ? 1.0 : 0.0;
    }
    if (trials > 0) {
        s.accuracy = double(right) / double(trials);
        s.mean_thinking_tokens = double(thinking) / double(trials);
        s.mean_answer_tokens = double(answer) / double(trials);
    }
    s.accuracy_ci = wilson_interval(right, trials);
    if (s.n > 0) {
        s.pass_at_k = pass_k / double(s.n);
        s.cons_at_k = cons_k / double(s.n);
        s.mean_seconds_per_problem = wall / double(s.n);
    }
    if (decode_seconds > 0) s.tokens_per_second = double(generated) / decode_seconds;
    return s;
}

} // namespace rwb::eval
