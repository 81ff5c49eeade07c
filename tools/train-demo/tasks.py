"""Synthetic reasoning tasks with exact answers, written as R1-style chains of thought.

Each task family makes (problem, answer, thought) triples at a chosen difficulty (number of digits).
The thought works column by column (without restating the digits or the running result, so the model
must find each digit and assemble the result itself), then checks itself ("Let me verify ..."), then
answers in \\boxed{}.
"""
import random

NAMES = ["Ana", "Ben", "Chen", "Dara", "Eli", "Fatima", "Goro", "Hana", "Ivan", "Jia", "Kofi", "Lena",
         "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor", "Wen", "Yara"]
ITEMS = ["apples", "marbles", "stamps", "coins", "books", "cards", "shells", "pencils", "stickers",
         "beads", "tickets", "seeds"]
PLACES = ["ones", "tens", "hundreds", "thousands", "ten-thousands", "hundred-thousands"]


def rand_number(rng, digits):
    if digits == 1:
        return rng.randint(0, 9)
    return rng.randint(10 ** (digits - 1), 10 ** digits - 1)


def digits_of(n, width):
    s = str(n).rjust(width, "0")
    return [int(c) for c in s]


def so_far(out_digits_ones_first):
    return "".join(str(d) for d in reversed(out_digits_ones_first))


def spell(ds):
    return ", ".join(str(d) for d in ds)


def add_thought(a, b):
    width = max(len(str(a)), len(str(b)))
    da, db = digits_of(a, width), digits_of(b, width)
    lines = [f"I need to add {a} and {b}."]
    carry, out = 0, []
    for i in range(width - 1, -1, -1):
        place = PLACES[width - 1 - i]
        s = da[i] + db[i] + carry
        term = f"{da[i]} + {db[i]}" + (f" + {carry}" if carry else "")
        out.append(s % 10)
        lines.append(f"{place.capitalize()}: {term} = {s}. Write {s % 10}, carry {s // 10}.")
        carry = s // 10
    if carry:
        out.append(carry)
        lines.append(f"The last carry {carry} goes in front.")
    result = int(so_far(out))
    lines.append(f"So {a} + {b} = {result}.")
    lines.append(f"Let me verify: {result} - {b} = {a}, which matches. The sum is {result}.")
    return lines, result


def sub_thought(a, b):
    width = len(str(a))
    da, db = digits_of(a, width), digits_of(b, width)
    lines = [f"I need to subtract {b} from {a}."]
    borrow, out = 0, []
    for i in range(width - 1, -1, -1):
        place = PLACES[width - 1 - i]
        top = da[i] - borrow
        if top < db[i]:
            out.append(top + 10 - db[i])
            lines.append(f"{place.capitalize()}: {top} is less than {db[i]}, borrow: "
                         f"{top + 10} - {db[i]} = {top + 10 - db[i]}. Write {top + 10 - db[i]}, borrow 1.")
            borrow = 1
        else:
            out.append(top - db[i])
            lines.append(f"{place.capitalize()}: {top} - {db[i]} = {top - db[i]}. "
                         f"Write {top - db[i]}, borrow 0.")
            borrow = 0
    result = a - b
    lines.append(f"So {a} - {b} = {result}.")
    lines.append(f"Let me verify: {result} + {b} = {a}, which matches. The difference is {result}.")
    return lines, result


def compare_thought(a, b):
    la, lb = len(str(a)), len(str(b))
    lines = [f"I need to find the larger of {a} and {b}."]
    if la != lb:
        big = a if la > lb else b
        lines.append(f"{a} has {la} digits and {b} has {lb} digits, so {big} is larger.")
    else:
        lines.append(f"Both have {la} digits, so I compare from the left.")
        da, db = digits_of(a, la), digits_of(b, lb)
        big = a
        for i in range(la):
            if da[i] == db[i]:
                lines.append(f"Digit {i + 1}: {da[i]} and {db[i]} are equal.")
                continue
            big = a if da[i] > db[i] else b
            lines.append(f"Digit {i + 1}: {da[i]} and {db[i]} differ, {max(da[i], db[i])} is bigger, "
                         f"so {big} is larger.")
            break
    small = b if big == a else a
    lines.append(f"Let me verify: {big} - {small} = {big - small}, which is positive. "
                 f"The larger number is {big}.")
    return lines, big


def mul_thought(a, d):
    width = len(str(a))
    da = digits_of(a, width)
    lines = [f"I need to multiply {a} by {d}."]
    carry, out = 0, []
    for i in range(width - 1, -1, -1):
        place = PLACES[width - 1 - i]
        p = da[i] * d + carry
        term = f"{da[i]} x {d}" + (f" + {carry}" if carry else "")
        out.append(p % 10)
        lines.append(f"{place.capitalize()}: {term} = {p}. Write {p % 10}, carry {p // 10}.")
        carry = p // 10
    if carry:
        out.append(carry)
        lines.append(f"The last carry {carry} goes in front.")
    result = a * d
    lines.append(f"So {a} x {d} = {result}.")
    lines.append(f"Let me verify: {result} / {d} = {a}, which matches. The product is {result}.")
    return lines, result


def mul2_thought(a, b):
    """Two-digit multiplier: one partial product per digit of b, then a column addition."""
    db = digits_of(b, len(str(b)))
    lines = [f"I need to multiply {a} by {b}.", f"Split {b} into {db[0]} tens and {db[1]} ones."]
    ones_lines, p1 = mul_thought(a, db[1])
    lines += ones_lines[1:-1]
    tens_lines, p10 = mul_thought(a, db[0])
    lines += tens_lines[1:-1]
    lines.append(f"The tens part is {p10} x 10 = {p10 * 10}.")
    add_lines, total = add_thought(p1, p10 * 10)
    lines += add_lines[:-1]
    lines.append(f"So {a} x {b} = {total}.")
    lines.append(f"Let me verify: {total} / {b} = {a}, which matches. The product is {total}.")
    return lines, total


def make_problem(rng, family, digits):
    """Returns (problem, answer, thought_text)."""
    if family == "add":
        a, b = rand_number(rng, digits), rand_number(rng, rng.randint(1, digits))
        if rng.random() < 0.5:
            a, b = b, a
        lines, ans = add_thought(a, b)
        problem = rng.choice([f"What is {a} + {b}?", f"Compute {a} + {b}.", f"Add {a} and {b}."])
    elif family == "sub":
        a, b = rand_number(rng, digits), rand_number(rng, rng.randint(1, digits))
        if b > a:
            a, b = b, a
        lines, ans = sub_thought(a, b)
        problem = rng.choice([f"What is {a} - {b}?", f"Compute {a} - {b}.", f"Subtract {b} from {a}."])
    elif family == "compare":
        a = rand_number(rng, digits)
        b = rand_number(rng, digits) if rng.random() < 0.7 else rand_number(rng, rng.randint(1, digits))
        if a == b:
            b = a + 1
        lines, ans = compare_thought(a, b)
        problem = rng.choice([f"Which is larger, {a} or {b}?", f"Which number is bigger: {a} or {b}?"])
    elif family == "mul":
        a, d = rand_number(rng, digits), rng.randint(2, 9)
        lines, ans = mul_thought(a, d)
        problem = rng.choice([f"What is {a} x {d}?", f"Compute {a} times {d}.", f"Multiply {a} by {d}."])
    elif family == "mul2":
        a, b = rand_number(rng, max(1, digits - 1)), rng.randint(11, 99)
        lines, ans = mul2_thought(a, b)
        problem = rng.choice([f"What is {a} x {b}?", f"Compute {a} times {b}.", f"Multiply {a} by {b}."])
    elif family == "word2":
        name, item = rng.choice(NAMES), rng.choice(ITEMS)
        a, b = rand_number(rng, digits), rand_number(rng, rng.randint(1, digits))
        c = rng.randint(0, a + b)
        problem = (f"{name} has {a} {item}, gets {b} more, then gives away {c}. "
                   f"How many {item} does {name} have in the end?")
        l1, s1 = add_thought(a, b)
        l2, ans = sub_thought(s1, c)
        lines = [f"First {name} gets {b} more, so I add, then gives away {c}, so I subtract."]
        lines += l1[:-1] + l2[:-1]
        lines.append(f"Let me verify: {ans} + {c} = {s1} and {s1} - {b} = {a}, which matches. "
                     f"{name} has {ans} {item} in the end.")
    elif family == "word":
        name, item = rng.choice(NAMES), rng.choice(ITEMS)
        a, b = rand_number(rng, digits), rand_number(rng, rng.randint(1, digits))
        if rng.random() < 0.5:
            problem = f"{name} has {a} {item} and gets {b} more. How many {item} does {name} have now?"
            lines, ans = add_thought(a, b)
            lines.insert(0, f"{name} starts with {a} {item} and gets {b} more, so I add.")
        else:
            if b > a:
                a, b = b, a
            problem = f"{name} has {a} {item} and gives away {b}. How many {item} are left?"
            lines, ans = sub_thought(a, b)
            lines.insert(0, f"{name} starts with {a} {item} and gives away {b}, so I subtract.")
    else:
        raise ValueError(family)
    return problem, ans, "\n".join(lines)


FAMILIES = ["add", "sub", "compare", "mul", "mul2", "word", "word2"]
MAX_DIGITS = {"add": 6, "sub": 6, "compare": 6, "mul": 4, "mul2": 3, "word": 5, "word2": 4}


def sample(rng, max_digits=6):
    family = rng.choice(FAMILIES)
    digits = rng.randint(1, min(max_digits, MAX_DIGITS[family]))
    return make_problem(rng, family, digits)


def answer_text(problem, ans):
    return f"The answer is \\boxed{{{ans}}}."


def completion(thought, ans):
    """What the assistant writes after the template's '<think>\\n'."""
    return f"{thought}\n</think>\n\nThe answer is \\boxed{{{ans}}}."


if __name__ == "__main__":
    rng = random.Random(0)
    for _ in range(6):
        p, a, t = sample(rng)
        print(p, "->", a)
        print(completion(t, a))
        print("---")
