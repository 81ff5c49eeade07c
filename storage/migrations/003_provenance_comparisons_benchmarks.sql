-- 003: what reproduces an assistant message (provenance), comparison runs with their
-- per-model results, and benchmark runs.

ALTER TABLE messages ADD COLUMN model_sha256 TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN quantization TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN chat_template_version TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN sampling_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE messages ADD COLUMN seed INTEGER;
ALTER TABLE messages ADD COLUMN thinking_budget INTEGER;
ALTER TABLE messages ADD COLUMN engine_version TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN backend TEXT NOT NULL DEFAULT '';

CREATE TABLE comparison_runs (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL DEFAULT '',
    prompt        TEXT NOT NULL DEFAULT '',
    system_prompt TEXT NOT NULL DEFAULT '',
    sampling_json TEXT NOT NULL DEFAULT '{}',
    problem_set   TEXT NOT NULL DEFAULT '',
    notes         TEXT NOT NULL DEFAULT '',
    created       INTEGER NOT NULL
);
CREATE INDEX comparison_runs_created ON comparison_runs(created DESC);

CREATE TABLE comparison_results (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES comparison_runs(id) ON DELETE CASCADE,
    model_id          INTEGER REFERENCES models(id) ON DELETE SET NULL,
    answer            TEXT NOT NULL DEFAULT '',
    reasoning         TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL DEFAULT 'complete',
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    thinking_tokens   INTEGER NOT NULL DEFAULT 0,
    answer_tokens     INTEGER NOT NULL DEFAULT 0,
    ttft_ms           REAL NOT NULL DEFAULT 0,
    thinking_seconds  REAL NOT NULL DEFAULT 0,
    tokens_per_second REAL NOT NULL DEFAULT 0,
    finish_reason     TEXT NOT NULL DEFAULT '',
    verdict           TEXT NOT NULL DEFAULT '',
    provenance_json   TEXT NOT NULL DEFAULT '{}',
    created           INTEGER NOT NULL
);
CREATE INDEX comparison_results_run ON comparison_results(run_id, id);

CREATE TABLE benchmark_runs (
    id                    INTEGER PRIMARY KEY,
    model_id              INTEGER REFERENCES models(id) ON DELETE SET NULL,
    created               INTEGER NOT NULL,
    backend               TEXT NOT NULL DEFAULT '',
    threads               INTEGER NOT NULL DEFAULT 0,
    prompt_tokens         INTEGER NOT NULL DEFAULT 0,
    generated_tokens      INTEGER NOT NULL DEFAULT 0,
    prefill_tokens_per_s  REAL NOT NULL DEFAULT 0,
    decode_tokens_per_s   REAL NOT NULL DEFAULT 0,
    engine_version        TEXT NOT NULL DEFAULT '',
    details_json          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX benchmark_runs_model ON benchmark_runs(model_id, created DESC);
