// R1 chat template: the rendering rules of the distills' Jinja template (see rwb/chat.h).
#include "rwb/chat.h"

#include <utility>

namespace rwb {

std::string_view chat_role_name(ChatRole role) {
    switch (role) {
    case ChatRole::System:
        return "system";
    case ChatRole::User:
        return "user";
    case ChatRole::Assistant:
        return "assistant";
    }
    return "user";
}

std::optional<ChatRole> parse_chat_role(std::string_view name) {
    if (name == "system") return ChatRole::System;
    if (name == "user") return ChatRole::User;
    if (name == "assistant") return ChatRole::Assistant;
    return std::nullopt;
}

namespace {

class SegmentList {
public:
    void special(std::string_view text) { segments_.push_back({true, std::string(text)}); }
    void text(std::string_view text) {
        if (text.empty()) return;
        if (!segments_.empty() && !segments_.back().special) {
            segments_.back().text.append(text);
        } else {
            segments_.push_back({false, std::string(text)});
        }
    }
    std::vector<ChatSegment> take() { return std::move(segments_); }

private:
    std::vector<ChatSegment> segments_;
};

// What the template keeps of an assistant turn: the text after the last "</think>" (the
// whole content when there is none), so earlier reasoning never re-enters the context.
std::string_view visible_reply(std::string_view content) {
    const size_t pos = content.rfind(r1_text::kThinkClose);
    if (pos == std::string_view::npos) return content;
    return content.substr(pos + r1_text::kThinkClose.size());
}

} // namespace

std::vector<ChatSegment> r1_chat_segments(std::span<const ChatMessage> messages,
                                          const ChatTemplateOptions& options) {
    SegmentList out;
    if (options.add_bos) out.special(r1_text::kBos);

    // The template collects the system prompt first (the last one wins) and prints it untagged
    // right after BOS, wherever the system message stood.
    const ChatMessage* system = nullptr;
    for (const ChatMessage& m : messages) {
        if (m.role == ChatRole::System) system = &m;
    }
    if (system) out.text(system->content);

    for (const ChatMessage& m : messages) {
        switch (m.role) {
        case ChatRole::System:
            break;
        case ChatRole::User:
            out.special(r1_text::kUser);
            out.text(m.content);
            break;
        case ChatRole::Assistant:
            out.special(r1_text::kAssistant);
            out.text(visible_reply(m.content));
            out.special(r1_text::kEos);
            break;
        }
    }

    if (options.add_generation_prompt) {
        out.special(r1_text::kAssistant);
        if (options.open_thought) {
            out.special(r1_text::kThinkOpen);
            out.text("\n");
        }
    }
    return out.take();
}

ChatPrompt render_r1_chat(std::span<const ChatMessage> messages,
                          const ChatTemplateOptions& options) {
    ChatPrompt prompt;
    prompt.template_version = std::string(kR1ChatTemplateVersion);
    for (const ChatSegment& s : r1_chat_segments(messages, options)) prompt.text += s.text;
    return prompt;
}

} // namespace rwb
