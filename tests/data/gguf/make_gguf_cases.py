#!/usr/bin/env python3
"""Makes the GGUF parser's test files, straight from the GGUF spec (no gguf-py, no llama.cpp):

  corpus/*.gguf          small valid files (fuzzer seeds; every one must open)
  bad/*.gguf             hand-made hostile/broken files, one defect each
  bad/expectations.tsv   file name <TAB> fragment the one-line error must contain

Run from anywhere: python3 tests/data/gguf/make_gguf_cases.py (rewrites both folders).
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# value types
U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
FMT = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f",
       BOOL: "<B", U64: "<Q", I64: "<q", F64: "<d"}
# ggml types used here: id -> (block size, bytes per block)
GGML = {0: (1, 4), 1: (1, 2), 2: (32, 18), 8: (32, 34), 12: (256, 144), 14: (256, 210),
        24: (1, 1), 28: (1, 8), 30: (1, 2)}
F32T, F16T, Q4_0, Q8_0, Q4_K, Q6_K, I8T, F64T, BF16T = 0, 1, 2, 8, 12, 14, 24, 28, 30


def s(text):
    b = text.encode() if isinstance(text, str) else text
    return struct.pack("<Q", len(b)) + b


def val(t, v):
    if t == STR:
        return s(v)
    if t == ARR:
        et, items = v
        return struct.pack("<IQ", et, len(items)) + b"".join(val(et, x) for x in items)
    return struct.pack(FMT[t], v)


def kv(key, t, v):
    return s(key) + struct.pack("<I", t) + val(t, v)


def nbytes(ttype, ne):
    if not ne:
        return 16
    bs, bpb = GGML[ttype]
    n = ne[0] // bs * bpb
    for d in ne[1:]:
        n *= d
    return n


def tinfo(name, ne, ttype, offset):
    return s(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", d) for d in ne) + \
        struct.pack("<IQ", ttype, offset)


def gguf(kvs=(), tensors=(), version=3, align=32, n_tensors=None, n_kv=None, data=None,
         magic=b"GGUF"):
    """tensors: (name, ne, type[, offset]); offsets default to packed, aligned placement."""
    head = magic + struct.pack("<I", version)
    head += struct.pack("<QQ", len(tensors) if n_tensors is None else n_tensors,
                        len(kvs) if n_kv is None else n_kv)
    head += b"".join(kvs)
    infos, off, blobs = b"", 0, []
    for t in tensors:
        name, ne, ttype = t[:3]
        o = t[3] if len(t) > 3 else off
        infos += tinfo(name, ne, ttype, o)
        size = nbytes(ttype, ne) if ttype in GGML else 16
        blobs.append((o, size))
        off = (max(off, o + size) + align - 1) // align * align
    head += infos
    head += b"\0" * ((-len(head)) % align)
    if data is None:
        end = max([o + n for o, n in blobs], default=0)
        body = bytearray(end)
        for k, (o, n) in enumerate(blobs):
            body[o:o + n] = bytes((k * 31 + j) & 0xFF for j in range(n))
        data = bytes(body)
    return head + data


ARCH = kv("general.architecture", STR, "llama")


def corpus():
    c = {}
    c["minimal"] = gguf()
    c["minimal_v2"] = gguf(version=2, kvs=[ARCH])
    c["every_value_type"] = gguf(kvs=[
        kv("t.u8", U8, 255), kv("t.i8", I8, -128), kv("t.u16", U16, 65535),
        kv("t.i16", I16, -32768), kv("t.u32", U32, 2**32 - 1), kv("t.i32", I32, -2**31),
        kv("t.f32", F32, 0.5), kv("t.bool", BOOL, 1), kv("t.str", STR, "caf\u00e9"),
        kv("t.u64", U64, 2**64 - 1), kv("t.i64", I64, -2**63), kv("t.f64", F64, 3.25),
        kv("t.arr_str", ARR, (STR, ["a", "", "\u6f22"])),
        kv("t.arr_i32", ARR, (I32, [1, -2, 3])), kv("t.arr_f32", ARR, (F32, [0.25, 2.0])),
        kv("t.arr_bool", ARR, (BOOL, [0, 1])), kv("t.arr_empty", ARR, (U8, [])),
        kv("t.nested", ARR, (ARR, [(I16, [1, 2]), (STR, ["x"]), (ARR, [(F64, [1.5])])])),
    ])
    c["tiny_model"] = gguf(kvs=[
        ARCH, kv("general.file_type", U32, 15), kv("llama.context_length", U32, 4096),
        kv("llama.embedding_length", U32, 256), kv("llama.block_count", U32, 1),
        kv("llama.attention.head_count", U32, 4), kv("llama.attention.head_count_kv", U32, 2),
        kv("tokenizer.ggml.model", STR, "gpt2"), kv("tokenizer.ggml.pre", STR, "llama-bpe"),
        kv("tokenizer.ggml.tokens", ARR, (STR, ["<s>", "</s>", "a", "b", "ab"])),
        kv("tokenizer.ggml.merges", ARR, (STR, ["a b"])),
        kv("tokenizer.ggml.bos_token_id", U32, 0), kv("tokenizer.ggml.eos_token_id", U32, 1),
        kv("tokenizer.chat_template", STR, "{{ messages }}"),
    ], tensors=[("token_embd.weight", [256, 5], Q4_K), ("output_norm.weight", [256], F32T),
                ("blk.0.attn_q.weight", [256, 2], Q6_K), ("blk.0.ffn_up.weight", [64, 2], Q8_0),
                ("x.f16", [3, 1, 1, 2], F16T), ("x.bf16", [5], BF16T), ("x.q4_0", [32], Q4_0)])
    c["alignment_64"] = gguf(kvs=[kv("general.alignment", U32, 64)], align=64,
                             tensors=[("a", [3], F32T), ("b", [7], I8T), ("c", [2, 2], F64T)])
    c["alignment_1"] = gguf(kvs=[kv("general.alignment", U32, 1)], align=1,
                            tensors=[("a", [3], I8T), ("b", [1], F16T)])
    c["no_tensors_no_padding"] = gguf(kvs=[ARCH]).rstrip(b"\0")  # ends right after "llama"
    return c


def bad():
    one = [("a", [4], F32T)]
    b = {}

    def add(name, data, fragment):
        b[name] = (data, fragment)

    add("empty", b"", "is empty")
    add("bad_magic", b"GGML" + gguf()[4:], "not a GGUF file (magic 'GGML'")
    add("three_bytes", b"GGU", "not a GGUF file (3 bytes)")
    add("version_1", gguf(version=1), "version 1 is not supported")
    add("version_4", gguf(version=4), "unsupported GGUF version 4")
    add("big_endian", gguf(version=3 << 24), "big-endian GGUF files are not supported")
    add("truncated_header", gguf()[:12], "file truncated: tensor count at offset 8")
    add("huge_tensor_count", gguf(n_tensors=2**62), "header claims 4611686018427387904 tensors")
    add("huge_kv_count", gguf(n_kv=2**64 - 1), "metadata entries, which cannot fit")
    add("key_past_eof", b"GGUF" + struct.pack("<IQQQ", 3, 0, 1, 100) + b"general.name",
        "key of 100 bytes at offset 32 runs past end of file (12 bytes left) (metadata entry 0)")
    add("huge_string_length", gguf(kvs=[s("k") + struct.pack("<IQ", STR, 2**63) + b"abc"]),
        "string value of 9223372036854775808 bytes")
    add("huge_array_length", gguf(kvs=[s("k") + struct.pack("<IIQ", ARR, U32, 2**61)]),
        "array of 2305843009213693952 uint32 elements cannot fit")
    add("huge_string_array", gguf(kvs=[s("k") + struct.pack("<IIQ", ARR, STR, 10**9) + s("x")]),
        "array of 1000000000 string elements cannot fit")
    add("unknown_value_type", gguf(kvs=[s("k") + struct.pack("<I", 13) + b"\0" * 8]),
        "metadata entry 0 'k'")
    add("unknown_element_type", gguf(kvs=[s("k") + struct.pack("<IIQ", ARR, 99, 0)]),
        "array has unknown element type 99")
    nested = (U8, [1])
    for _ in range(8):
        nested = (ARR, [nested])
    add("nested_too_deep", gguf(kvs=[kv("k", ARR, nested)]), "arrays nested deeper than 8")
    add("duplicate_key", gguf(kvs=[ARCH, kv("general.name", STR, "x"), kv("general.name", STR, "y")]),
        "duplicate key 'general.name'")
    add("empty_key", gguf(kvs=[kv("", U8, 1)]), "invalid key ''")
    add("key_with_control_byte", gguf(kvs=[kv("bad\x01key", U8, 1)]), "invalid key 'bad\\x01key'")
    add("key_with_space", gguf(kvs=[kv("general name", U8, 1)]), "invalid key 'general name'")
    add("key_not_ascii", gguf(kvs=[kv("cl\u00e9", U8, 1)]), "invalid key")
    add("bool_is_2", gguf(kvs=[kv("k", BOOL, 2)]), "bool value 2 is neither 0 nor 1")
    add("bool_array_has_7", gguf(kvs=[kv("k", ARR, (BOOL, [0, 1, 7]))]),
        "bool value 7 is neither 0 nor 1 (metadata entry 0 'k', array element 2)")
    add("alignment_zero", gguf(kvs=[kv("general.alignment", U32, 0)]),
        "general.alignment must be a non-zero power of two up to 2^30, got 0")
    add("alignment_48", gguf(kvs=[kv("general.alignment", U32, 48)]), "got 48")
    add("alignment_2_pow_40", gguf(kvs=[kv("general.alignment", U64, 2**40)]), "got 1099511627776")
    add("alignment_negative", gguf(kvs=[kv("general.alignment", I32, -32)]), "got -32")
    add("alignment_is_string", gguf(kvs=[kv("general.alignment", STR, "32")]),
        "general.alignment is a string, expected an unsigned integer")
    add("duplicate_tensor", gguf(tensors=[("a", [4], F32T), ("a", [4], F32T)]),
        "duplicate tensor name 'a'")
    add("empty_tensor_name", gguf(tensors=[("", [4], F32T)]), "empty tensor name")
    add("tensor_name_control", gguf(tensors=[("a\nb", [4], F32T)]),
        "tensor name 'a\\x0ab' contains control characters")
    add("tensor_name_too_long", gguf(tensors=[("n" * 300, [4], F32T)]),
        "tensor name of 300 bytes is longer than 255")
    add("zero_dims", gguf(tensors=[("a", [], F32T)]), "tensor has 0 dimensions (1..4 allowed)")
    add("five_dims", gguf(tensors=[("a", [1, 1, 1, 1, 1], F32T)]), "tensor has 5 dimensions")
    add("dim_is_zero", gguf(tensors=[("a", [4, 0], F32T)], data=b""), "dimension 1 is 0")
    add("elements_overflow", gguf(tensors=[("a", [2**32, 2**32], F32T)], data=b""),
        "element count overflows (dimension 1 = 4294967296)")
    add("bytes_overflow", gguf(tensors=[("a", [2**31, 2**31], F64T)], data=b""),
        "byte size overflows")
    add("unknown_tensor_type", gguf(tensors=[("a", [4], 4)], data=b"\0" * 32),
        "unknown tensor type 4 (tensor info 0 'a')")
    add("type_id_huge", gguf(tensors=[("a", [4], 2**31)], data=b"\0" * 32), "unknown tensor type 2147483648")
    add("row_not_block_multiple", gguf(tensors=[("a", [100], Q4_K)], data=b""),
        "row length 100 of type q4_K is not a multiple of its block size 256")
    add("misaligned_offset", gguf(tensors=[("a", [4], F32T, 4)]),
        "offset 4 is not a multiple of the alignment 32 (tensor info 0 'a')")
    add("data_past_eof", gguf(tensors=one, data=b"\0" * 8),
        "tensor 'a' data [64..80) extends past end of file (size 72)")
    add("offset_past_eof", gguf(tensors=[("a", [4], F32T, 2**40)], data=b"\0" * 16),
        "extends past end of file")
    add("offset_plus_size_overflows", gguf(tensors=[("a", [64], F32T, 2**64 - 64)], data=b"\0" * 32),
        "tensor 'a' offset 18446744073709551552 + size 256 overflows")
    add("data_offset_plus_offset_overflows",
        gguf(tensors=[("a", [4], F32T, 2**64 - 32)], data=b"\0" * 32),
        "tensor 'a' offset 18446744073709551584 + size 16 overflows")
    add("overlapping_tensors", gguf(tensors=[("a", [16], F32T, 0), ("b", [8], F32T, 32)]),
        "tensors 'a' [0..64) and 'b' [32..64) overlap in the data section")
    add("same_offset", gguf(tensors=[("a", [8], F32T, 0), ("b", [8], F32T, 0)]), "overlap")
    add("truncated_tensor_info", gguf(tensors=[("abcdefghijkl", [4], F32T)])[:63],
        "file truncated: tensor offset at offset 60 needs 8 bytes, only 3 left "
        "(tensor info 0 'abcdefghijkl')")
    add("truncated_array", gguf(kvs=[kv("k", ARR, (STR, ["a" * 8, "b" * 8, "c" * 8]))])[:93],
        "runs past end of file (4 bytes left) (metadata entry 0 'k', array element 2)")
    add("truncated_numeric_array", gguf(kvs=[kv("k", ARR, (I64, [1, 2, 3, 4]))])[:64],
        "array of 4 int64 elements cannot fit")
    add("truncated_value", gguf(kvs=[kv("k", F64, 1.0)])[:40],
        "file truncated: float64 value at offset 37 needs 8 bytes, only 3 left")
    add("data_section_past_eof", gguf(tensors=one)[:62], "data section would start at 64")
    full = gguf(kvs=[ARCH], tensors=[("a", [64], F32T), ("b", [64], F32T)])
    add("cut_in_tensor_data", full[:len(full) - 100], "tensor 'b' data")
    return b


def write(folder, files, ext=".gguf"):
    d = os.path.join(HERE, folder)
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        if f.endswith(".gguf"):
            os.remove(os.path.join(d, f))
    for name, data in files.items():
        with open(os.path.join(d, name + ext), "wb") as fh:
            fh.write(data)


def main():
    write("corpus", corpus())
    cases = bad()
    write("bad", {k: v[0] for k, v in cases.items()})
    with open(os.path.join(HERE, "bad", "expectations.tsv"), "w") as fh:
        fh.write("# file\texpected error fragment (made by make_gguf_cases.py)\n")
        for name, (_, fragment) in sorted(cases.items()):
            fh.write(f"{name}.gguf\t{fragment}\n")
    print(f"{len(corpus())} corpus files, {len(cases)} bad files")


if __name__ == "__main__":
    main()
