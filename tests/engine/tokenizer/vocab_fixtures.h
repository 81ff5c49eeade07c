// Test vocabularies made from real tokenizers: Qwen2 and Llama 3 (the tokenizer.json files of
// tests/data/tokenizer, unpacked into the build tree by tests/engine/tokenizer/CMakeLists.txt)
// and R1-Distill-Qwen (the Qwen2 BPE with R1's added tokens). make_vocab_gguf() writes a
// vocabulary-only GGUF (llama.cpp's tokenizer.ggml.* keys, general.architecture) that any test
// can load, e.g. for token-id checks of the chat template:
//     auto path = rwb::test::make_vocab_gguf(rwb::test::VocabFixture::R1Qwen);
//     auto tok = rwb::Tokenizer::load_gguf(path.value());
// Header-only so that any test linking rwb_engine_internal can include it; make_vocab_gguf()
// writes vocab-only GGUFs with the engine's GGUF writer.
#pragma once

#include "gguf/gguf_writer.h"
#include "rwb/tokenizer.h"
#include "tokenizer/gguf_vocab.h"
#include "tokenizer/hf_tokenizer_json.h"
#include "tokenizer/vocabulary.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

namespace rwb::test {

enum class VocabFixture { Qwen2, Llama3, R1Qwen };

inline const char* fixture_name(VocabFixture f) {
    switch (f) {
    case VocabFixture::Qwen2:
        return "qwen2";
    case VocabFixture::Llama3:
        return "llama3";
    default:
        return "r1-qwen";
    }
}

// Folder holding the unpacked tokenizer.json + tokenizer_config.json of "qwen2" or "llama3".
inline std::string tokenizer_json_dir(const std::string& vocab) {
    return std::string(RWB_BINARY_DIR) + "/tests/data/tokenizer/" + vocab;
}

// R1-Distill-Qwen: Qwen2's BPE (ids below 151643) plus the added tokens, BOS/EOS/PAD and
// add_bos_token of tests/data/tokenizer/r1-distill-qwen-added-tokens.json; pre "deepseek-r1-qwen".
inline Status apply_r1_added_tokens(Vocabulary& v) {
    std::ifstream f(std::string(RWB_TEST_DATA_DIR) +
                    "/tokenizer/r1-distill-qwen-added-tokens.json");
    const auto j = nlohmann::json::parse(f, nullptr, false);
    if (j.is_discarded()) return Status::error("cannot read r1-distill-qwen-added-tokens.json");
    v.tokens.resize(151643);
    v.types.resize(151643);
    auto id_of = [&](const std::string& name) -> TokenId {
        for (const auto& a : j["added_tokens"])
            if (a["content"] == name) return a["id"].get<TokenId>();
        return -1;
    };
    for (const auto& a : j["added_tokens"]) {
        if (a["id"].get<size_t>() != v.tokens.size())
            return Status::error("R1 added tokens are not contiguous");
        v.tokens.push_back(a["content"].get<std::string>());
        v.types.push_back(a["special"].get<bool>() ? TokenType::Control : TokenType::UserDefined);
    }
    v.bos = id_of(j["bos_token"].get<std::string>());
    v.eos = id_of(j["eos_token"].get<std::string>());
    v.pad = id_of(j["pad_token"].get<std::string>());
    v.add_bos = j["add_bos_token"].get<bool>();
    v.pre = "deepseek-r1-qwen";
    v.apply_pre_defaults();
    return Status::ok();
}

inline Result<Vocabulary> load_fixture_vocabulary(VocabFixture f) {
    const std::string dir = tokenizer_json_dir(f == VocabFixture::Llama3 ? "llama3" : "qwen2");
    auto v = load_hf_vocabulary(dir + "/tokenizer.json", dir + "/tokenizer_config.json");
    if (!v || f != VocabFixture::R1Qwen) return v;
    RWB_RETURN_IF_ERROR(apply_r1_added_tokens(v.value()));
    return v;
}

// Writes the fixture as a vocabulary-only GGUF and returns its path (default:
// ${RWB_BINARY_DIR}/tests/data/<name>-vocab.gguf). add_more may add keys (e.g. a chat template).
inline Result<std::string>
make_vocab_gguf(VocabFixture f, std::string path = "",
                const std::function<void(gguf::GgufWriter&)>& add_more = {}) {
    if (path.empty())
        path = std::string(RWB_BINARY_DIR) + "/tests/data/" + fixture_name(f) + "-vocab.gguf";
    auto v = load_fixture_vocabulary(f);
    if (!v) return v.status();
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    gguf::GgufWriter w;
    w.add_string("general.architecture", f == VocabFixture::Llama3 ? "llama" : "qwen2");
    w.add_string("general.name", std::string(fixture_name(f)) + " vocabulary");
    write_vocabulary_gguf(w, v.value());
    if (add_more) add_more(w);
    // Tests running in parallel may make the same file: write under a name of our own, then
    // rename it into place (atomic on one filesystem).
    const std::string unique = path + "." + std::to_string(std::random_device{}()) + ".part";
    RWB_RETURN_IF_ERROR(w.write(unique));
    std::filesystem::rename(unique, path, ec);
    if (ec) {
        std::filesystem::remove(unique, ec);
        return Status::error("cannot rename " + unique + " to " + path);
    }
    return path;
}

} // namespace rwb::test
