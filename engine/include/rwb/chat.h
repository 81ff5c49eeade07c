// R1 chat template: renders a conversation in the prompt format of the DeepSeek-R1 distills
// (Qwen and Llama based), byte for byte as their own Jinja chat template does for tool-less chat:
//   BOS, the last system message's text (no tag), then per turn "<｜User｜>" + content or
//   "<｜Assistant｜>" + (content after its last "</think>") + "<｜end▁of▁sentence｜>", and as the
//   generation prompt "<｜Assistant｜><think>\n" so the model's output starts inside its thought.
// The special tokens are named by TEXT (as in the vocabulary); their ids are looked up in the
// model's tokenizer, never hard-coded, so the same code serves Qwen ids and Llama 3 ids.
// Deliberate differences from the Jinja template: no tool roles / tool calls.
#pragma once

#include "rwb/status.h"
#include "rwb/tokenizer.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rwb {

enum class ChatRole { System, User, Assistant };

std::string_view chat_role_name(ChatRole role); // "system", "user", "assistant"
std::optional<ChatRole> parse_chat_role(std::string_view name);

struct ChatMessage {
    ChatRole role = ChatRole::User;
    std::string content; // for assistant turns: the whole reply, thought included (it is stripped)
};

struct ChatTemplateOptions {
    bool add_bos = true;               // start with the BOS text (the Jinja template always does)
    bool add_generation_prompt = true; // end with "<｜Assistant｜>" so the model replies
    bool open_thought = true; // ... followed by "<think>\n" (the current R1 template); false gives
                              // the original January 2025 template's bare "<｜Assistant｜>"
};

// The texts of the R1 special tokens, as stored in the distills' vocabularies.
namespace r1_text {
inline constexpr std::string_view kBos = "<｜begin▁of▁sentence｜>";
inline constexpr std::string_view kEos = "<｜end▁of▁sentence｜>";
inline constexpr std::string_view kUser = "<｜User｜>";
inline constexpr std::string_view kAssistant = "<｜Assistant｜>";
inline constexpr std::string_view kThinkOpen = "<think>";
inline constexpr std::string_view kThinkClose = "</think>";
} // namespace r1_text

// Version of the rendering rules, stored with each conversation for provenance.
inline constexpr std::string_view kR1ChatTemplateVersion = "r1-v1";

// One piece of a rendered prompt: either a special token (by text) or ordinary text.
struct ChatSegment {
    bool special = false;
    std::string text;
};

// The rendered prompt as a list of segments (adjacent ordinary text merged; no empty text).
std::vector<ChatSegment> r1_chat_segments(std::span<const ChatMessage> messages,
                                          const ChatTemplateOptions& options = {});

struct ChatPrompt {
    std::string text;             // the prompt exactly as the Jinja template renders it
    std::string template_version; // kR1ChatTemplateVersion
};

ChatPrompt render_r1_chat(std::span<const ChatMessage> messages,
                          const ChatTemplateOptions& options = {});

// The ids of the R1 special tokens in a given vocabulary (each a single token).
struct R1SpecialTokens {
    TokenId bos = -1;
    TokenId eos = -1;
    TokenId user = -1;
    TokenId assistant = -1;
    TokenId think_open = -1;
    TokenId think_close = -1;
};

// Looks each text up in the vocabulary; fails (one line naming the missing token) if the model
// is not an R1 distill.
Result<R1SpecialTokens> find_r1_special_tokens(const Tokenizer& tokenizer);

// Prompt ids: special segments become their single ids; ordinary text (message contents, the
// newline after <think>) is encoded WITHOUT parsing control tokens, so BOS/EOS text typed by a
// user stays text (Hugging Face's apply_chat_template would turn it into the control ids). The
// turn markers and <think>/</think> are not control tokens in the R1 vocabularies, so in contents
// they are still matched, as every reference tokenizer does. For contents free of BOS/EOS text
// the ids equal tokenizer.encode(render_r1_chat(...).text, /*parse_special=*/true). Nothing else
// is added (the BOS comes from options.add_bos).
Result<std::vector<TokenId>> tokenize_r1_chat(const Tokenizer& tokenizer,
                                              std::span<const ChatMessage> messages,
                                              const ChatTemplateOptions& options = {});

} // namespace rwb
