#include "cli_args.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace rwb::cli {

namespace {
const OptionSpec* find_spec(const std::vector<OptionSpec>& specs, const std::string& name) {
    for (const auto& s : specs)
        for (const auto& n : s.names)
            if (n == name) return &s;
    return nullptr;
}
} // namespace

Result<CliArgs> CliArgs::parse(int argc, char** argv, const std::vector<OptionSpec>& specs) {
    CliArgs out;
    bool only_positional = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (only_positional || arg.size() < 2 || arg[0] != '-' ||
            (arg[1] >= '0' && arg[1] <= '9')) {
            out.positional_.push_back(arg);
            continue;
        }
        if (arg == "--") {
            only_positional = true;
            continue;
        }
        std::string value;
        bool inline_value = false;
        if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            inline_value = true;
        }
        const OptionSpec* spec = find_spec(specs, arg);
        if (!spec) return Result<CliArgs>::error("unknown option '" + arg + "' (see --help)");
        const std::string& key = spec->names.back();
        if (spec->takes_value) {
            if (!inline_value) {
                if (i + 1 >= argc) return Result<CliArgs>::error("option '" + arg + "' needs a value");
                value = argv[++i];
            }
            out.values_[key].push_back(value);
        } else {
            if (inline_value) return Result<CliArgs>::error("option '" + arg + "' takes no value");
            out.values_[key].push_back("1");
        }
    }
    return out;
}

bool CliArgs::has(const std::string& key) const { return values_.count(key) != 0; }

std::string CliArgs::get(const std::string& key, const std::string& fallback) const {
    auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> CliArgs::get_all(const std::string& key) const {
    auto it = values_.find(key);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<int64_t> CliArgs::get_int(const std::string& key, int64_t fallback) const {
    if (!has(key)) return fallback;
    std::string s = get(key);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size())
        return Result<int64_t>::error("option " + key + " expects an integer, got '" + s + "'");
    return v;
}

Result<double> CliArgs::get_double(const std::string& key, double fallback) const {
    if (!has(key)) return fallback;
    std::string s = get(key);
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size())
        return Result<double>::error("option " + key + " expects a number, got '" + s + "'");
    return v;
}

std::string format_help(const std::string& usage, const std::vector<OptionSpec>& specs) {
    std::string out = "usage: " + usage + "\n";
    if (!specs.empty()) out += "\noptions:\n";
    for (const auto& s : specs) {
        std::string names;
        for (const auto& n : s.names) names += (names.empty() ? "" : ", ") + n;
        if (s.takes_value) names += " " + s.metavar;
        out += "  " + names;
        if (names.size() < 26) out += std::string(26 - names.size(), ' ');
        else out += "  ";
        out += s.help + "\n";
    }
    return out;
}

int fail(const std::string& command, const std::string& message) {
    std::fprintf(stderr, "rwb %s: %s\n", command.c_str(), message.c_str());
    return 1;
}

} // namespace rwb::cli
