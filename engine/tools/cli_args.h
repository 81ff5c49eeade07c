// CliArgs: the small command-line parser every `rwb` subcommand uses, so that flags, errors and
// --help look the same everywhere. Options are declared up front; unknown ones are an error.
#pragma once

#include "rwb/status.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace rwb::cli {

struct OptionSpec {
    std::vector<std::string> names; // e.g. {"-m", "--model"}; the last one is the canonical key
    bool takes_value = true;
    std::string help;
    std::string metavar = "VALUE";
};

class CliArgs {
public:
    // argv[0] is the subcommand name; parsing starts at argv[1].
    static Result<CliArgs> parse(int argc, char** argv, const std::vector<OptionSpec>& specs);

    bool has(const std::string& key) const;
    std::string get(const std::string& key, const std::string& fallback = "") const;
    std::vector<std::string> get_all(const std::string& key) const;
    Result<int64_t> get_int(const std::string& key, int64_t fallback) const;
    Result<double> get_double(const std::string& key, double fallback) const;
    const std::vector<std::string>& positional() const { return positional_; }

private:
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

// Text for --help: usage line, then one line per option.
std::string format_help(const std::string& usage, const std::vector<OptionSpec>& specs);

// Prints "rwb <cmd>: <message>" to stderr and returns exit code 1: the one-line error style.
int fail(const std::string& command, const std::string& message);

} // namespace rwb::cli
