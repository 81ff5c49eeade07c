-- 001: conversations, messages (with branches) and the model catalogue.
-- Times are milliseconds since the Unix epoch (UTC). uuid columns make exports importable
-- without duplicates. current_leaf_id is the message the conversation currently shows; the
-- path from the root down to it is the visible branch.

CREATE TABLE models (
    id            INTEGER PRIMARY KEY,
    path          TEXT NOT NULL DEFAULT '',
    sha256        TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    architecture  TEXT NOT NULL DEFAULT '',
    size_bytes    INTEGER NOT NULL DEFAULT 0,
    quantization  TEXT NOT NULL DEFAULT '',
    added         INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX models_sha256 ON models(sha256) WHERE sha256 <> '';

CREATE TABLE conversations (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    title           TEXT NOT NULL DEFAULT '',
    created         INTEGER NOT NULL,
    updated         INTEGER NOT NULL,
    pinned          INTEGER NOT NULL DEFAULT 0,
    model_id        INTEGER REFERENCES models(id) ON DELETE SET NULL,
    sampling_json   TEXT NOT NULL DEFAULT '{}',
    system_prompt   TEXT NOT NULL DEFAULT '',
    folder          TEXT NOT NULL DEFAULT '',
    tags            TEXT NOT NULL DEFAULT '',
    current_leaf_id INTEGER
);
CREATE INDEX conversations_list ON conversations(pinned DESC, updated DESC);
CREATE INDEX conversations_folder ON conversations(folder, updated DESC);

CREATE TABLE messages (
    id                  INTEGER PRIMARY KEY,
    uuid                TEXT NOT NULL UNIQUE,
    conversation_id     INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    parent_id           INTEGER REFERENCES messages(id) ON DELETE CASCADE,
    role                TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
    answer              TEXT NOT NULL DEFAULT '',
    reasoning           TEXT NOT NULL DEFAULT '',
    state               TEXT NOT NULL DEFAULT 'complete'
                        CHECK (state IN ('streaming', 'complete', 'cancelled', 'error', 'interrupted')),
    model_id            INTEGER REFERENCES models(id) ON DELETE SET NULL,
    prompt_tokens       INTEGER NOT NULL DEFAULT 0,
    thinking_tokens     INTEGER NOT NULL DEFAULT 0,
    answer_tokens       INTEGER NOT NULL DEFAULT 0,
    ttft_ms             REAL NOT NULL DEFAULT 0,
    thinking_seconds    REAL NOT NULL DEFAULT 0,
    tokens_per_second   REAL NOT NULL DEFAULT 0,
    finish_reason       TEXT NOT NULL DEFAULT '',
    error_text          TEXT NOT NULL DEFAULT '',
    created             INTEGER NOT NULL
);
CREATE INDEX messages_conversation ON messages(conversation_id, created);
CREATE INDEX messages_parent ON messages(parent_id, created);
CREATE INDEX messages_state ON messages(state) WHERE state = 'streaming';
