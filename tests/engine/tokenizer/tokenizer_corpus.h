// The tokenizer test corpus (tests/data/tokenizer/corpus.jsonl) with the reference ids of the JS
// port of Hugging Face tokenizers (reference-ids.jsonl) for the vocabularies qwen2, llama3, r1qwen.
#pragma once

#include "rwb/tokenizer.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace rwb::test {

struct CorpusEntry {
    int id = 0;
    std::string category;
    std::string bytes; // the text as given to the tokenizer (may be invalid UTF-8)
    std::map<std::string, std::vector<TokenId>> expected; // vocabulary -> reference ids
};

inline std::string corpus_unhex(const std::string& h) {
    std::string out;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(h.substr(i, 2), nullptr, 16)));
    return out;
}

// Empty on a read error (the caller's QVERIFY then fails).
inline std::vector<CorpusEntry> load_tokenizer_corpus() {
    const std::string dir = std::string(RWB_TEST_DATA_DIR) + "/tokenizer/";
    std::ifstream corpus(dir + "corpus.jsonl");
    std::ifstream ref(dir + "reference-ids.jsonl");
    std::vector<CorpusEntry> out;
    std::string lc, lr;
    while (std::getline(corpus, lc) && std::getline(ref, lr)) {
        const auto c = nlohmann::json::parse(lc, nullptr, false);
        const auto r = nlohmann::json::parse(lr, nullptr, false);
        if (c.is_discarded() || r.is_discarded() || c["id"] != r["id"]) return {};
        CorpusEntry e;
        e.id = c["id"].get<int>();
        e.category = c["cat"].get<std::string>();
        e.bytes = c.contains("hex") ? corpus_unhex(c["hex"].get<std::string>())
                                    : c["text"].get<std::string>();
        for (const char* v : {"qwen2", "llama3", "r1qwen"})
            e.expected[v] = r[v].get<std::vector<TokenId>>();
        out.push_back(std::move(e));
    }
    return out;
}

inline std::string ids_to_string(const std::vector<TokenId>& ids) {
    std::string s;
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i) s.push_back(' ');
        s += std::to_string(ids[i]);
    }
    return s;
}

} // namespace rwb::test
