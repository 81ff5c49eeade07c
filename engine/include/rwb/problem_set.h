// Problem sets for evaluation: JSONL files, one problem per line, with the fields "problem" and
// "answer" (text or number) and optionally "id" and "subject" (MATH-500 / AIME style); other
// fields are ignored, blank lines skipped. Any bad line fails the whole file with one line
// naming the file and line.
#pragma once

#include "rwb/status.h"

#include <string>
#include <string_view>
#include <vector>

namespace rwb::eval {

struct Problem {
    std::string id;      // the "id" field, else "line-N" (N: the 1-based line of the file)
    std::string problem; // the question as given to the model
    std::string answer;  // the reference answer
    std::string subject; // optional
};

// `source` names the text in error messages (usually the path).
Result<std::vector<Problem>> parse_problem_set(std::string_view jsonl, const std::string& source);
Result<std::vector<Problem>> read_problem_set(const std::string& path);

} // namespace rwb::eval
