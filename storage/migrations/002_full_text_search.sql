-- 002: full-text search over conversation titles, answers and reasoning.
-- The trigram tokenizer matches any substring of three or more characters, so Chinese text
-- (which has no spaces between words) and emoji are found as well as Latin words and their
-- prefixes. The index tables are contentless (snippets are cut from the messages table) and
-- kept in step by triggers. Every indexed text gets two U+0001 characters appended: then each
-- character of the real text starts at least one trigram, so a one- or two-character query
-- (two Chinese characters, one emoji) is answered from the index as well, by looking up the
-- trigrams that begin with it in the *_terms vocabulary tables.

CREATE VIRTUAL TABLE messages_fts USING fts5(
    answer, reasoning, content='', tokenize='trigram');
CREATE VIRTUAL TABLE conversations_fts USING fts5(
    title, content='', tokenize='trigram');
CREATE VIRTUAL TABLE messages_fts_terms USING fts5vocab(messages_fts, 'row');
CREATE VIRTUAL TABLE conversations_fts_terms USING fts5vocab(conversations_fts, 'row');

INSERT INTO messages_fts(rowid, answer, reasoning)
    SELECT id, answer || char(1, 1), reasoning || char(1, 1) FROM messages;
INSERT INTO conversations_fts(rowid, title) SELECT id, title || char(1, 1) FROM conversations;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, answer, reasoning)
        VALUES (new.id, new.answer || char(1, 1), new.reasoning || char(1, 1));
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, answer, reasoning)
        VALUES ('delete', old.id, old.answer || char(1, 1), old.reasoning || char(1, 1));
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF answer, reasoning ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, answer, reasoning)
        VALUES ('delete', old.id, old.answer || char(1, 1), old.reasoning || char(1, 1));
    INSERT INTO messages_fts(rowid, answer, reasoning)
        VALUES (new.id, new.answer || char(1, 1), new.reasoning || char(1, 1));
END;

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title || char(1, 1));
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title)
        VALUES ('delete', old.id, old.title || char(1, 1));
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title)
        VALUES ('delete', old.id, old.title || char(1, 1));
    INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title || char(1, 1));
END;
