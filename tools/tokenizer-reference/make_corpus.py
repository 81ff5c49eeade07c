#!/usr/bin/env python3
"""Writes tests/data/tokenizer/corpus.jsonl: the strings the tokenizer is checked on.

One JSON object per line: {"id": N, "cat": CATEGORY, "text": STRING} or, for byte strings that are
not valid UTF-8, {"id": N, "cat": "invalid_utf8", "hex": HEX}. Deterministic (fixed seed)."""
import json
import os
import random

rnd = random.Random(20261129)
items = []


def add(cat, text):
    items.append({"cat": cat, "text": text})


def add_bytes(b):
    items.append({"cat": "invalid_utf8", "hex": b.hex()})


# English prose, punctuation, contractions
for s in [
    "Hello world", "Hello, world!", "hello world.", " Hello world", "  Hello  world  ",
    "The quick brown fox jumps over the lazy dog.",
    "It's a dog's life, isn't it? They're here; we've gone; I'm sure you'll see. He'd know.",
    "IT'S LOUD. THEY'RE HERE. WE'VE GONE. I'M OUT. YOU'LL SEE. HE'D KNOW. DON'T.",
    "It'S mIxEd: thEy'Re, wE'vE, i'M, yOu'Ll, hE'd, dOn'T",
    "'s 't 're 've 'm 'll 'd", "''s ''ll", "rock 'n' roll", "'tis the season", "O'Neill's",
    "can't won't shouldn't y'all'd've", "It’s a typographic apostrophe’s test ’s ’ll",
    "Dr. Smith arrived at 5 p.m. on Jan. 3rd, 2024.",
    "Wait... what?! No way!!! (Really?) [Yes.] {Maybe.}",
    "e.g., i.e., etc., vs. & so on -- an em—dash and an en–dash",
    "\"Quoted text\" and 'single quotes' and «guillemets» and „German quotes“",
    "Email me at someone@example.com or visit https://example.org/path?q=1&r=2#frag",
    "#hashtag @mention $100 50% ^caret *star* _under_ ~tilde~ `code` |pipe| \\backslash/",
    "a", "I", "A.", "?", "!!", "...", "-", "--", "---", "***", "___", "===", "<>", "</>",
    "supercalifragilisticexpialidocious", "antidisestablishmentarianism",
    "Pneumonoultramicroscopicsilicovolcanoconiosis is a long word.",
    "CamelCaseIdentifierWithManyWords", "snake_case_identifier_with_words", "kebab-case-name",
    "ALLCAPS and lowercase and MiXeD", "The year 1999 was followed by 2000.",
    "Solve for x: 3x + 5 = 20, so x = 5.", "What is 17 * 23? It is 391.",
    "Let me think step by step. First, 12 + 7 = 19. Then 19 * 2 = 38.",
]:
    add("english", s)

# Numbers of many lengths and formats
for n in range(1, 26):
    add("number", "".join(str(rnd.randrange(10)) for _ in range(n)))
for s in ["0", "00", "007", "3.14159", "-42", "+7", "1,234,567", "1 000 000", "1e10", "6.022e23",
          "0x1F", "0b1010", "12:30:45", "2024-11-29", "99.9%", "$1,299.99", "€50", "£3.50", "¥1000",
          "1/2", "3/4 cup", "v1.2.3", "IPv4 192.168.0.1", "+1 (555) 123-4567", "123abc456def",
          "abc123", "x1y2z3", "1st 2nd 3rd 4th", "١٢٣٤٥ ٦٧٨٩٠", "一二三 123 ４５６", "①②③ ⅠⅡⅢ ½ ¼ ²³",
          "१२३४५", "๑๒๓", "12345678901234567890123456789012345678901234567890"]:
    add("number", s)

# Whitespace: spaces, tabs, newlines, CR, trailing, runs
for s in [" ", "  ", "   ", "    ", "        ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", "\r\n\r\n",
          "\r", " \n", "\n ", " \n ", "  \n  ", "\t\n", "\n\t", "a\nb", "a\n\nb", "a \nb", "a\n b",
          "a  b", "a   b", "a\tb", "a\t\tb", " a", "  a", "a ", "a  ", "a \t ", "hello   ", "   hello",
          "line one\nline two\nline three\n", "para one.\n\npara two.\n\n\npara three.",
          "trailing spaces   \nand tabs\t\t\nend", "\t\tindented with tabs", "    indented with spaces",
          "x\u00a0y non-breaking", "ideographic\u3000space", "en\u2002space em\u2003space thin\u2009space",
          "line\u2028separator para\u2029separator", "zero\u200bwidth space", "a \u00a0 b",
          "ends with newline\n", "ends with spaces  ", "\n\n  \n\t\n", " \t \t ", "!\n\n!", ".\n", ":\n\n",
          "x  \n\n  y", "}\n\n\n{", "word\r\nword\r\n", "a\u0085b", "a \u0085 b", "x\ufeff\ufeff y",
          "  \ufeff", "a\u180eb", "a\u000b\u000cb", "\u000b \u000c", "a\u001c\u001d\u001e\u001fb",
          "\u0085\u0085x", "x \u0085\u0085 y", "x\u0085", "1\u0085 2", "x \ufeff y", "\ufeff\ufeff", "a \u3000\u3000 b"]:
    add("whitespace", s)

# Code in several languages
for s in [
    "def add(a, b):\n    return a + b\n",
    "for i in range(10):\n\tprint(i ** 2)  # squares\n",
    "import numpy as np\nx = np.zeros((3, 4), dtype=np.float32)\n",
    "class Foo(Bar):\n    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n",
    "#include <stdio.h>\nint main(void) {\n    printf(\"Hello, %s!\\n\", \"world\");\n    return 0;\n}\n",
    "template <typename T>\nstd::vector<T> f(const std::vector<T>& v) { return {v.rbegin(), v.rend()}; }",
    "fn main() {\n    let v: Vec<i32> = (0..10).map(|x| x * x).collect();\n    println!(\"{:?}\", v);\n}",
    "const f = async (x) => { await sleep(100); return x?.y ?? 0; };",
    "function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name DESC LIMIT 10;",
    "<html>\n  <body class=\"main\">\n    <p>Hello &amp; welcome</p>\n  </body>\n</html>",
    "{\"key\": \"value\", \"list\": [1, 2, 3], \"nested\": {\"a\": null, \"b\": true}}",
    "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n",
    "public static void main(String[] args) { System.out.println(\"Hello\"); }",
    "#!/bin/bash\nset -euo pipefail\nfor f in *.txt; do echo \"$f\"; done\n",
    "x <- c(1, 2, 3)\nmean(x)\n", "$ git commit -m \"fix: handle\\ttabs\"",
    "if (a && b || !c) { x += 1; y <<= 2; z >>= 3; w ^= 0xFF; }",
    "arr[i][j] = arr[i-1][j-1] + 1;", "a->b->c; ::std::move(x); ptr != nullptr",
    "    }\n  }\n}\n", "\t}\n}\n", "// comment\n/* block */\n/** doc */",
    "```python\nprint('hi')\n```", "| col1 | col2 |\n|------|------|\n| 1    | 2    |",
    "- item one\n- item two\n  - nested\n1. first\n2. second", "# Title\n## Subtitle\n**bold** _it_",
    "\\frac{a}{b} + \\sqrt{x^2 + y^2} = \\sum_{i=1}^{n} i", "$$E = mc^2$$ and $\\alpha + \\beta$",
    "λx. x + 1", "∀x ∈ ℝ: x² ≥ 0", "a ≤ b ≠ c ≈ d → e ⇒ f ∞",
]:
    add("code", s)

# CJK, Arabic and other scripts
for s in [
    "你好，世界！", "我爱自然语言处理。", "今天天气很好，我们去公园散步吧。", "中文和English混合的句子。",
    "机器学习（Machine Learning）是人工智能的一个分支。", "这是一个测试：１２３，ＡＢＣ。",
    "こんにちは世界", "日本語のテキストです。カタカナとひらがなと漢字。", "東京は日本の首都です。",
    "ｶﾀｶﾅ半角", "안녕하세요 세계", "한국어 텍스트입니다. 감사합니다!", "서울은 한국의 수도입니다.",
    "مرحبا بالعالم", "اللغة العربية جميلة.", "السلام عليكم ورحمة الله", "שלום עולם", "Привет, мир!",
    "Съешь же ещё этих мягких французских булок.", "Γειά σου Κόσμε", "नमस्ते दुनिया", "สวัสดีชาวโลก",
    "Xin chào thế giới", "Tiếng Việt có dấu: ắ ằ ẳ ẵ ặ", "Zażółć gęślą jaźń", "Ærøskøbing Åland",
    "Straße Maß Größe", "ქართული ენა", "Բարեւ աշխարհ", "ሰላም ለዓለም", "வணக்கம் உலகம்", "ສະບາຍດີ",
    "English русский 中文 日本語 한국어 العربية", "Mixed: café 咖啡 カフェ 카페 مقهى",
    "数字123和字母abc", "価格は1,000円です", "2024年11月29日", "第3章 第12節",
]:
    add("script", s)

# Emoji: simple, ZWJ sequences, skin tones, flags, keycaps, variation selectors
for s in [
    "😀", "😀😃😄", "I ❤ you", "I ❤️ you", "👍", "👍🏻👍🏼👍🏽👍🏾👍🏿", "👨‍👩‍👧‍👦", "👩‍💻 codes",
    "🏳️‍🌈", "🇺🇸🇯🇵🇩🇪", "1️⃣ 2️⃣ #️⃣", "🤷‍♂️🤷🏽‍♀️", "🧑🏿‍🤝‍🧑🏻", "Hello 🌍!", "🔥🔥🔥 hot",
    "emoji at end 🎉", "🎉 emoji at start", "mixed 😀text😀", "☕ and 🍵", "✅ done ❌ failed ⚠️ warn",
    "👋🏽 hi", "❤️‍🔥", "🫠🫡🫶", "🐈‍⬛",
]:
    add("emoji", s)

# Accents: composed and decomposed forms (NFC vs NFD)
for s in [
    "café", "cafe\u0301", "naïve", "nai\u0308ve", "résumé", "re\u0301sume\u0301", "Ångström",
    "A\u030angstro\u0308m", "über", "u\u0308ber", "São Paulo", "Sa\u0303o Paulo", "ñ n\u0303",
    "Å\u0301", "e\u0301\u0302\u0323", "\u0301 leading combining mark", "한", "\u1112\u1161\u11ab",
    "ﬁ ligature", "Ω vs \u2126 (ohm)", "Å vs \u212b (angstrom)", "\u0958 devanagari qa",
    "Vietnamese decomposed: Vie\u0323\u0302t", "ḱ ḱ", "x\u0338",
]:
    add("accents", s)

# Special token text appearing in the prose (each vocabulary's own markers and the others')
for s in [
    "<|endoftext|>", "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n",
    "text<|endoftext|>more", "<think>\nLet me reason.\n</think>\n\nThe answer is 4.",
    "<think></think>", " <think> ", "<|begin_of_text|>Hello", "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
    "<|eom_id|><|python_tag|>", "<|reserved_special_token_0|><|reserved_special_token_250|>",
    "<｜begin▁of▁sentence｜><｜User｜>What is 2+2?<｜Assistant｜><think>\n2+2=4\n</think>\n\n4<｜end▁of▁sentence｜>",
    "<|EOT|>", "<｜User｜><｜User｜>", "<tool_call>{\"name\": \"f\"}</tool_call>", "<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>",
    "<|vision_start|><|image_pad|><|vision_end|>", "<|quad_start|><|box_start|><|object_ref_start|>",
    "<|im_start", "im_start|>", "<|im_start|", "< think>", "<think >", "<THINK>", "<<think>>", "<think><think>",
    "</think></think>", "<|endoftext|><|endoftext|>", "a<|im_end|>b", "<|end_of_text|>", "<|repo_name|>x<|file_sep|>y",
    "<｜end▁of▁sentence｜>", "<｜Assistant｜>", "<|begin_of_text|><|begin_of_text|>",
]:
    add("special", s)

# Invalid UTF-8 (handled as: each maximal invalid subpart becomes U+FFFD before tokenizing)
for b in [b"\xff", b"abc\xffdef", b"\xc3", b"caf\xc3", b"\xe4\xbd", b"\xe4\xbd\xa0\xe5\xa5", b"\x80\x80\x80",
          b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\xf0\x9f\x98\x80\xf0\x9f", b"\xc0\xaf", b"\xf5\x80\x80\x80",
          b"ok \xfe\xfe ok", b"\xe0\x80\x80", b"end\xf4\x90\x80\x80", b"\xc3\x28", b"a\xe2\x82b"]:
    add_bytes(b)

# Mixed / adversarial
for s in [
    "Hello 世界 🌍 مرحبا 123 café\n\tend", "a1b2c3 α1β2γ3 あ1い2う3", "!!!???...,,,;;;:::",
    "(((nested [brackets {and} braces])))", "........................................",
    "----------------------------------------", "==========", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "ab" * 40, "\u00ad soft hyphen", "\ufeffBOM at start", "tab\tseparated\tvalues\t1\t2\t3",
    "C:\\Users\\name\\file.txt", "/usr/local/bin/rwb --help", "key=value; other=thing",
    "ALL CAPS SENTENCE WITH NUMBERS 123 AND SYMBOLS !@#", "Ünïcödé Tëxt Wïth Dïäcrïtïcs",
    "The ﬀ ﬃ ligatures", "Fullwidth ＡＢＣ ａｂｃ", "Math 𝐀𝐁𝐂 𝑥𝑦𝑧", "Old Italic 𐌀𐌁𐌂", "Music 𝄞𝄢",
    "Cuneiform 𒀀𒀁", "Private use \ue000\uf8ff", "Control chars \x01\x02\x07\x1b[0m", "NUL in\x00text",
    "DEL\x7fchar", "\u200d\u200c joiners", "RTL \u202eoverride\u202c", "‘single’ “double”",
    "→ ← ↑ ↓ ↔", "★☆✦✧", "©®™", "§¶†‡", "°C °F", "µs ms ns", "Ǆǅǆ", "ΣΑΣ σας",
]:
    add("mixed", s)

# Randomised strings over a mixed alphabet (deterministic)
alphabet = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \t\n.,;:'\"!?()-_") + \
    list("éüñçß中文日本語한국어ع ب😀👍🏽\u0301")
for i in range(40):
    n = rnd.randrange(1, 60)
    add("random", "".join(rnd.choice(alphabet) for _ in range(n)))

# A longer passage
add("long", ("In the beginning was the Word. " * 3) + "\n\n" + "数学是科学的语言。" * 4 + "\n" +
    "def f(x):\n    return x * 2\n" * 3 + "Numbers: " + " ".join(str(10 ** k + k) for k in range(15)))

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "..", "tests", "data", "tokenizer", "corpus.jsonl")
with open(out, "w", encoding="utf-8") as f:
    for i, it in enumerate(items):
        f.write(json.dumps({"id": i, **it}, ensure_ascii=False) + "\n")
print(f"{len(items)} strings -> {os.path.normpath(out)}")
