#!/bin/sh
# Makes schema_v1.sqlite and schema_v2.sqlite: history databases as the schema versions 1 and 2
# of Reasoning Workbench left them (built with the sqlite3 CLI from storage/migrations/, not
# with our C++ code), each holding one conversation with a Chinese/emoji title, a question and
# an answer with reasoning. tst_storage_migrations opens copies and checks the upgrade.
# Usage: tests/data/storage/make_fixtures.sh   (from anywhere; needs sqlite3)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
migrations="$here/../../../storage/migrations"
data="
INSERT INTO conversations (uuid, title, created, updated, pinned, folder, tags)
  VALUES ('c0ffee00-0000-4000-8000-000000000001', '中文 title 😀 primes', 1764370000000, 1764370005000, 1, 'old', 'legacy');
INSERT INTO messages (uuid, conversation_id, parent_id, role, answer, created)
  VALUES ('c0ffee00-0000-4000-8000-000000000002', 1, NULL, 'user', 'Is 391 prime?', 1764370001000);
INSERT INTO messages (uuid, conversation_id, parent_id, role, answer, reasoning, state, answer_tokens, created)
  VALUES ('c0ffee00-0000-4000-8000-000000000003', 1, 1, 'assistant', 'No: 391 = 17 × 23.', '试除法: 391/17 = 23 🤔', 'complete', 9, 1764370004000);
INSERT INTO messages (uuid, conversation_id, parent_id, role, answer, reasoning, state, created)
  VALUES ('c0ffee00-0000-4000-8000-000000000004', 1, 2, 'assistant', 'partial', 'cut off', 'streaming', 1764370005000);
UPDATE conversations SET current_leaf_id = 3 WHERE id = 1;
"
for version in 1 2; do
  out="$here/schema_v$version.sqlite"
  rm -f "$out"
  {
    i=1
    for f in "$migrations"/[0-9][0-9][0-9]_*.sql; do
      [ "$i" -le "$version" ] || break
      cat "$f"
      i=$((i + 1))
    done
    echo "PRAGMA user_version = $version;"
    echo "$data"
  } | sqlite3 "$out"
done
echo "made schema_v1.sqlite schema_v2.sqlite"
