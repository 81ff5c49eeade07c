// MessageStore: opening (checks, pragmas, migrations, crash recovery) and conversations.
// Messages and branches are in message_store_messages.cpp, the catalogue tables in
// message_store_catalog.cpp.
#include "message_store.h"

#include "migrations.h"
#include "sql_util.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QUuid>

namespace rwb::storage {
namespace {

QAtomicInteger<quint64> g_connectionCounter;

// What the first bytes of the file say, before SQLite is allowed near it.
enum class FileKind { Absent, Empty, Sqlite, NotSqlite, Unreadable };

FileKind inspectFile(const QString& path) {
    QFile file(path);
    if (!file.exists()) return FileKind::Absent;
    if (!file.open(QIODevice::ReadOnly)) return FileKind::Unreadable;
    if (file.size() == 0) return FileKind::Empty;
    const QByteArray header = file.read(16);
    static const QByteArray magic("SQLite format 3\0", 16);
    return header == magic && file.size() >= 512 ? FileKind::Sqlite : FileKind::NotSqlite;
}

} // namespace

MessageStore::MessageStore()
    : m_connectionName(QStringLiteral("rwb_storage_%1").arg(++g_connectionCounter)) {}

MessageStore::~MessageStore() {
    close();
}

QString MessageStore::defaultDatabasePath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/history.sqlite");
}

bool MessageStore::isOpen() const {
    return m_db.isValid() && m_db.isOpen();
}

void MessageStore::close() {
    if (m_db.isValid()) {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

bool MessageStore::fail(const QString& what, const QString& why) {
    m_error = why.isEmpty() ? what : what + QStringLiteral(": ") + why;
    return false;
}

bool MessageStore::open(const QString& path) {
    close();
    m_path = path;
    m_error.clear();
    m_openError = OpenError::None;
    m_interruptedOnOpen = 0;
    if (!openChecked(path)) {
        if (m_openError == OpenError::None) m_openError = OpenError::CannotOpen;
        close();
        return false;
    }
    return true;
}

bool MessageStore::openChecked(const QString& path) {
    const QFileInfo info(path);
    if (!QDir().mkpath(info.absolutePath()))
        return fail(QStringLiteral("Cannot create the history folder %1").arg(info.absolutePath()),
                    {});
    const FileKind kind = inspectFile(path);
    if (kind == FileKind::Unreadable)
        return fail(QStringLiteral("Cannot read the history database %1").arg(path), {});
    if (kind == FileKind::NotSqlite) {
        m_openError = OpenError::NotADatabase;
        return fail(QStringLiteral("%1 is not a SQLite database (damaged or another program's "
                                   "file); it was left unchanged")
                        .arg(path),
                    {});
    }
    const bool folderWritable = QFileInfo(info.absolutePath()).isWritable();
    if (!folderWritable || (kind != FileKind::Absent && !info.isWritable())) {
        m_openError = OpenError::ReadOnly;
        return fail(QStringLiteral("The history database %1 is on a read-only disk or folder; "
                                   "nothing can be saved there")
                        .arg(path),
                    {});
    }

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!m_db.open())
        return fail(QStringLiteral("Cannot open the history database %1").arg(path),
                    m_db.lastError().databaseText());

    // Read-only probes first: nothing is written until we know the file is ours and not newer.
    QString why;
    const int version = migrations::currentVersion(m_db, &why);
    QSqlQuery probe(m_db);
    if (version < 0 || !probe.exec(QStringLiteral("SELECT count(*) FROM sqlite_master"))) {
        if (why.isEmpty()) why = probe.lastError().databaseText();
        m_openError = why.contains(QLatin1String("not a database")) ? OpenError::NotADatabase
                                                                    : OpenError::Corrupt;
        return fail(
            QStringLiteral("The history database %1 is damaged; it was left unchanged").arg(path),
            why);
    }
    probe.finish();
    if (version > migrations::latestVersion()) {
        m_openError = OpenError::TooNew;
        return fail(
            QStringLiteral("%1 was written by a newer version of Reasoning Workbench "
                           "(schema %2, this version knows up to %3); it was left unchanged")
                .arg(path)
                .arg(version)
                .arg(migrations::latestVersion()),
            {});
    }

    QSqlQuery pragma(m_db);
    if (!pragma.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !pragma.next() ||
        pragma.value(0).toString().toLower() != QLatin1String("wal"))
        return fail(QStringLiteral("Cannot switch %1 to write-ahead logging").arg(path),
                    pragma.lastError().databaseText());
    pragma.finish();
    if (!sql::exec(m_db, QStringLiteral("PRAGMA synchronous=NORMAL"), &why) ||
        !sql::exec(m_db, QStringLiteral("PRAGMA foreign_keys=ON"), &why))
        return fail(QStringLiteral("Cannot configure %1").arg(path), why);
    if (!migrations::migrate(m_db, &why))
        return fail(QStringLiteral("Cannot update the history database %1").arg(path), why);
    m_interruptedOnOpen = markStreamingInterrupted();
    if (m_interruptedOnOpen < 0) return false;
    return true;
}

bool MessageStore::moveAsideAndRecreate(QString* movedTo) {
    close();
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString target = m_path + QStringLiteral(".corrupt-") + stamp;
    if (QFile::exists(target) || !QFile::rename(m_path, target)) {
        m_openError = OpenError::CannotOpen;
        return fail(QStringLiteral("Cannot move %1 aside to %2").arg(m_path, target), {});
    }
    for (const char* suffix : {"-wal", "-shm"}) {
        const QString side = m_path + QLatin1String(suffix);
        if (QFile::exists(side)) QFile::rename(side, target + QLatin1String(suffix));
    }
    if (movedTo) *movedTo = target;
    return open(m_path);
}

int MessageStore::schemaVersion() {
    return migrations::currentVersion(m_db, &m_error);
}

QString MessageStore::integrityCheck() {
    QSqlQuery query(m_db);
    if (!query.exec(QStringLiteral("PRAGMA integrity_check")))
        return sql::describe(QStringLiteral("integrity check"), query.lastError());
    QStringList lines;
    while (query.next()) lines << query.value(0).toString();
    return lines.join(QLatin1Char('\n'));
}

int MessageStore::markStreamingInterrupted() {
    QSqlQuery query(m_db);
    query.prepare(
        QStringLiteral("UPDATE messages SET state='interrupted' WHERE state='streaming'"));
    if (!sql::run(query, &m_error)) return -1;
    return query.numRowsAffected();
}

// ---- conversations ----

namespace {

const char* kConversationColumns =
    "id, uuid, title, created, updated, pinned, model_id, sampling_json, system_prompt, folder, "
    "tags, current_leaf_id";

Conversation readConversation(const QSqlQuery& q) {
    Conversation c;
    c.id = q.value(0).toLongLong();
    c.uuid = q.value(1).toString();
    c.title = q.value(2).toString();
    c.created = sql::fromMs(q.value(3).toLongLong());
    c.updated = sql::fromMs(q.value(4).toLongLong());
    c.pinned = q.value(5).toInt() != 0;
    c.modelId = q.value(6).toLongLong();
    c.sampling = sql::jsonObject(q.value(7).toString());
    c.systemPrompt = q.value(8).toString();
    c.folder = q.value(9).toString();
    const QString tags = q.value(10).toString();
    c.tags = tags.isEmpty() ? QStringList() : tags.split(QLatin1Char('\n'));
    c.currentLeafId = q.value(11).toLongLong();
    return c;
}

QVariant nullableId(qint64 id) {
    return id > 0 ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

qint64 MessageStore::createConversation(Conversation& c) {
    if (c.uuid.isEmpty()) c.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (!c.created.isValid()) c.created = QDateTime::currentDateTimeUtc();
    if (!c.updated.isValid()) c.updated = c.created;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "INSERT INTO conversations (uuid, title, created, updated, pinned, model_id, "
        "sampling_json, "
        "system_prompt, folder, tags, current_leaf_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
    sql::bind(q, c.uuid);
    sql::bind(q, c.title);
    sql::bind(q, sql::toMs(c.created));
    sql::bind(q, sql::toMs(c.updated));
    sql::bind(q, c.pinned ? 1 : 0);
    sql::bind(q, nullableId(c.modelId));
    sql::bind(q, sql::jsonText(c.sampling));
    sql::bind(q, c.systemPrompt);
    sql::bind(q, c.folder);
    sql::bind(q, c.tags.join(QLatin1Char('\n')));
    sql::bind(q, nullableId(c.currentLeafId));
    if (!sql::run(q, &m_error)) return 0;
    c.id = q.lastInsertId().toLongLong();
    return c.id;
}

bool MessageStore::updateConversation(const Conversation& c) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "UPDATE conversations SET title=?, pinned=?, model_id=?, sampling_json=?, system_prompt=?, "
        "folder=?, tags=?, updated=? WHERE id=?"));
    sql::bind(q, c.title);
    sql::bind(q, c.pinned ? 1 : 0);
    sql::bind(q, nullableId(c.modelId));
    sql::bind(q, sql::jsonText(c.sampling));
    sql::bind(q, c.systemPrompt);
    sql::bind(q, c.folder);
    sql::bind(q, c.tags.join(QLatin1Char('\n')));
    sql::bind(q, sql::toMs(QDateTime::currentDateTimeUtc()));
    sql::bind(q, c.id);
    if (!sql::run(q, &m_error)) return false;
    if (q.numRowsAffected() != 1) return fail(QStringLiteral("No conversation %1").arg(c.id), {});
    return true;
}

bool MessageStore::renameConversation(qint64 id, const QString& title) {
    auto c = conversation(id);
    if (!c) return false;
    c->title = title;
    return updateConversation(*c);
}

bool MessageStore::setPinned(qint64 id, bool pinned) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET pinned=? WHERE id=?"));
    sql::bind(q, pinned ? 1 : 0);
    sql::bind(q, id);
    return sql::run(q, &m_error) && q.numRowsAffected() == 1;
}

bool MessageStore::deleteConversation(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("DELETE FROM conversations WHERE id=?"));
    sql::bind(q, id);
    return sql::run(q, &m_error) && q.numRowsAffected() == 1;
}

std::optional<Conversation> MessageStore::conversation(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT %1 FROM conversations WHERE id=?")
                  .arg(QLatin1String(kConversationColumns)));
    sql::bind(q, id);
    if (!sql::run(q, &m_error)) return std::nullopt;
    if (!q.next()) {
        fail(QStringLiteral("No conversation %1").arg(id), {});
        return std::nullopt;
    }
    return readConversation(q);
}

std::optional<qint64> MessageStore::conversationIdByUuid(const QString& uuid) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("SELECT id FROM conversations WHERE uuid=?"));
    sql::bind(q, uuid);
    if (!sql::run(q, &m_error) || !q.next()) return std::nullopt;
    return q.value(0).toLongLong();
}

QVector<ConversationSummary> MessageStore::listConversations(int limit, int offset) {
    QVector<ConversationSummary> out;
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral(
        "SELECT c.id, c.title, c.updated, c.pinned, c.folder, "
        "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id) "
        "FROM conversations c ORDER BY c.pinned DESC, c.updated DESC LIMIT ? OFFSET ?"));
    sql::bind(q, limit);
    sql::bind(q, offset);
    if (!sql::run(q, &m_error)) return out;
    while (q.next()) {
        ConversationSummary s;
        s.id = q.value(0).toLongLong();
        s.title = q.value(1).toString();
        s.updated = sql::fromMs(q.value(2).toLongLong());
        s.pinned = q.value(3).toInt() != 0;
        s.folder = q.value(4).toString();
        s.messageCount = q.value(5).toLongLong();
        out.append(s);
    }
    return out;
}

QVector<qint64> MessageStore::allConversationIds() {
    QVector<qint64> out;
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("SELECT id FROM conversations ORDER BY created, id"))) {
        m_error = sql::describe(QStringLiteral("listing conversations"), q.lastError());
        return out;
    }
    while (q.next()) out.append(q.value(0).toLongLong());
    return out;
}

bool MessageStore::touchConversation(qint64 id) {
    QSqlQuery q(m_db);
    q.prepare(QStringLiteral("UPDATE conversations SET updated=? WHERE id=?"));
    sql::bind(q, sql::toMs(QDateTime::currentDateTimeUtc()));
    sql::bind(q, id);
    return sql::run(q, &m_error);
}

} // namespace rwb::storage
