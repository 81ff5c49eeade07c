#!/usr/bin/python3
"""Renders the DeepSeek-R1-Distill chat template (the Jinja text shipped in the models'
tokenizer_config.json, see README.md) with Python jinja2 for a set of conversations, and writes
the expected prompt strings to expected_r1_chat.json. tst_chat_template compares our C++
rendering to them byte for byte.

Needs Debian's python3-jinja2 (apt-get install -y python3-jinja2); run with /usr/bin/python3:
    /usr/bin/python3 tests/data/chat/make_expected.py
The Jinja environment is set up the way Hugging Face transformers' apply_chat_template does
(sandboxed, trim_blocks, lstrip_blocks, loopcontrols, raise_exception).
"""
import json
import os

import jinja2
import jinja2.ext
import jinja2.sandbox

HERE = os.path.dirname(os.path.abspath(__file__))

TEMPLATES = {
    # The current template (generation prompt "<｜Assistant｜><think>\n").
    "current": "r1_distill_tokenizer_config.json",
    # The January 2025 original (generation prompt "<｜Assistant｜>").
    "2025-01": "r1_distill_tokenizer_config_2025-01.json",
}


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def load(name):
    with open(os.path.join(HERE, TEMPLATES[name]), encoding="utf-8") as f:
        config = json.load(f)
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
    env.globals["raise_exception"] = raise_exception
    return env.from_string(config["chat_template"]), config["bos_token"]["content"]


def sys(text):
    return {"role": "system", "content": text}


def user(text):
    return {"role": "user", "content": text}


def assistant(text):
    return {"role": "assistant", "content": text}


REASONED = "<think>\nThe user asks 2+2. That is 4.\n</think>\n\n2 + 2 = **4**."

CASES = [
    ("single_turn", [user("What is 2+2?")]),
    ("multi_turn_reasoning_stripped",
     [user("What is 2+2?"), assistant(REASONED), user("And 3+3?")]),
    ("two_assistant_turns",
     [user("Hi"), assistant("<think>\ngreet\n</think>\n\nHello!"), user("Count to 3"),
      assistant("<think>\n1, 2, 3\n</think>\n\n1, 2, 3."), user("Thanks")]),
    ("system_prompt", [sys("You are a helpful assistant."), user("Hi")]),
    ("two_system_messages_last_wins",
     [sys("First system."), user("Hi"), assistant("Hello."), sys("Second system."),
      user("Again")]),
    ("system_only", [sys("Only a system prompt.")]),
    ("no_messages", []),
    ("empty_user_content", [user("")]),
    ("empty_assistant_content", [user("Say nothing"), assistant(""), user("Why?")]),
    ("empty_system_content", [sys(""), user("Hi")]),
    ("unicode_chinese_emoji",
     [sys("你是一个乐于助人的助手。"), user("请用中文解释勾股定理。🙂👍🏽"),
      assistant("<think>\n用户想了解勾股定理。📐\n</think>\n\n直角三角形中 a² + b² = c²。✅"),
      user("谢谢！🎉")]),
    ("several_think_close_tags",
     [user("q"), assistant("<think>a</think>b</think>c"), user("next")]),
    ("think_close_at_end", [user("q"), assistant("<think>\nonly thought\n</think>"),
                            user("and?")]),
    ("unclosed_thought_kept", [user("q"), assistant("<think>\ncut off thought"), user("go on")]),
    ("plain_chat_no_tags", [user("Hello"), assistant("Hi there! How can I help?"),
                            user("Tell me a joke.")]),
    ("special_text_in_content",
     [user("What does <｜User｜> or <｜Assistant｜> mean? </think>")]),
    ("whitespace_kept", [user("  spaced \n\n"), assistant("\n\n answer \n"), user("\t")]),
    ("ends_with_assistant", [user("Hi"), assistant("Hello!")]),
]

# (case, add_generation_prompt, template)
VARIANTS = [(name, msgs, True, "current") for name, msgs in CASES]
VARIANTS += [
    ("ends_with_assistant_no_generation_prompt", CASES[-1][1], False, "current"),
    ("multi_turn_no_generation_prompt", CASES[1][1], False, "current"),
    ("single_turn_2025-01", CASES[0][1], True, "2025-01"),
    ("multi_turn_reasoning_stripped_2025-01", CASES[1][1], True, "2025-01"),
    ("system_prompt_2025-01", CASES[3][1], True, "2025-01"),
]


def main():
    out = []
    for name, messages, add_generation_prompt, template_name in VARIANTS:
        template, bos = load(template_name)
        text = template.render(messages=messages, bos_token=bos,
                               add_generation_prompt=add_generation_prompt)
        out.append({
            "name": name,
            "template": template_name,
            "add_generation_prompt": add_generation_prompt,
            "messages": messages,
            "expected": text,
        })
    path = os.path.join(HERE, "expected_r1_chat.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"generator": "tests/data/chat/make_expected.py (jinja2 %s)" % jinja2.__version__,
                   "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote %d cases to %s" % (len(out), path))


if __name__ == "__main__":
    main()
