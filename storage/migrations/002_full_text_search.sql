-- 002: full-text search over conversation titles, answers and reasoning.
-- The trigram tokenizer matches any substring of three or more characters, so Chinese text
-- (which has no spaces between words) and emoji are found as well as Latin words and their
-- prefixes. Both tables are external-content tables kept in step by triggers.

CREATE VIRTUAL TABLE messages_fts USING fts5(
    answer, reasoning, content='messages', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE conversations_fts USING fts5(
    title, content='conversations', content_rowid='id', tokenize='trigram');

INSERT INTO messages_fts(rowid, answer, reasoning) SELECT id, answer, reasoning FROM messages;
INSERT INTO conversations_fts(rowid, title) SELECT id, title FROM conversations;

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, answer, reasoning) VALUES (new.id, new.answer, new.reasoning);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, answer, reasoning)
        VALUES ('delete', old.id, old.answer, old.reasoning);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF answer, reasoning ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, answer, reasoning)
        VALUES ('delete', old.id, old.answer, old.reasoning);
    INSERT INTO messages_fts(rowid, answer, reasoning) VALUES (new.id, new.answer, new.reasoning);
END;

CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
END;
CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
END;
CREATE TRIGGER conversations_fts_update AFTER UPDATE OF title ON conversations BEGIN
    INSERT INTO conversations_fts(conversations_fts, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO conversations_fts(rowid, title) VALUES (new.id, new.title);
END;
