// Versioned schema migrations; see migrations.h.
#include "migrations.h"

#include "sql_util.h"

#include <QDir>
#include <QFile>
#include <QSqlQuery>

static void initMigrationResources() {
    // The resource lives in a static library: it must be registered by name before first use.
    static const bool done = [] {
        Q_INIT_RESOURCE(migrations);
        return true;
    }();
    (void)done;
}

namespace rwb::storage::migrations {
namespace {

QStringList migrationFiles() {
    initMigrationResources();
    QDir dir(QStringLiteral(":/rwb/storage/migrations"));
    return dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
}

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

} // namespace

int latestVersion() {
    return int(migrationFiles().size());
}

QString migrationSql(int version) {
    const QStringList files = migrationFiles();
    if (version < 1 || version > files.size()) return {};
    const QString& name = files.at(version - 1);
    if (name.left(3).toInt() != version) return {}; // files must be numbered 001, 002, ... in order
    QFile file(QStringLiteral(":/rwb/storage/migrations/") + name);
    if (!file.open(QIODevice::ReadOnly)) return {};
    return QString::fromUtf8(file.readAll());
}

QStringList splitStatements(const QString& script) {
    // A statement ends at ';' outside quotes and comments, except inside CREATE TRIGGER ... END
    // (whose body holds statements of its own; CASE ... END nests inside it).
    QStringList out;
    QString current;
    QStringList words; // upper-cased words of the current statement, for trigger detection
    int caseDepth = 0;
    const int n = int(script.size());
    auto inTrigger = [&] {
        return words.size() >= 2 && words[0] == QLatin1String("CREATE") &&
               (words.contains(QLatin1String("TRIGGER")));
    };
    for (int i = 0; i < n; ++i) {
        const QChar c = script[i];
        if (c == QLatin1Char('-') && i + 1 < n && script[i + 1] == QLatin1Char('-')) {
            while (i < n && script[i] != QLatin1Char('\n')) ++i;
            current += QLatin1Char('\n');
            continue;
        }
        if (c == QLatin1Char('/') && i + 1 < n && script[i + 1] == QLatin1Char('*')) {
            const int end = script.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? n : end + 1;
            current += QLatin1Char(' ');
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"') || c == QLatin1Char('`')) {
            int j = i + 1;
            while (j < n) {
                if (script[j] == c) {
                    if (j + 1 < n && script[j + 1] == c) {
                        j += 2;
                        continue;
                    }
                    break;
                }
                ++j;
            }
            current += script.mid(i, j - i + 1);
            i = j;
            continue;
        }
        if (isWordChar(c)) {
            int j = i;
            while (j < n && isWordChar(script[j])) ++j;
            const QString word = script.mid(i, j - i);
            const QString upper = word.toUpper();
            words.append(upper);
            if (upper == QLatin1String("CASE")) ++caseDepth;
            if (upper == QLatin1String("END") && caseDepth > 0) {
                --caseDepth;
                words.append(QStringLiteral("(case-end)"));
            }
            current += word;
            i = j - 1;
            continue;
        }
        if (c == QLatin1Char(';')) {
            const bool triggerOpen =
                inTrigger() && !(words.size() >= 1 && words.last() == QLatin1String("END"));
            if (!triggerOpen) {
                const QString statement = current.trimmed();
                if (!statement.isEmpty()) out.append(statement);
                current.clear();
                words.clear();
                caseDepth = 0;
                continue;
            }
        }
        current += c;
    }
    const QString rest = current.trimmed();
    if (!rest.isEmpty()) out.append(rest);
    return out;
}

int currentVersion(QSqlDatabase& db, QString* error) {
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next()) {
        if (error)
            *error = sql::describe(QStringLiteral("reading the schema version"), query.lastError());
        return -1;
    }
    return query.value(0).toInt();
}

bool migrate(QSqlDatabase& db, QString* error, int target) {
    const int latest = latestVersion();
    if (target < 0 || target > latest) target = latest;
    const int from = currentVersion(db, error);
    if (from < 0) return false;
    if (from > latest) {
        if (error)
            *error =
                QStringLiteral("the history database was written by a newer version of Reasoning "
                               "Workbench (schema %1, this version knows up to %2); it was left "
                               "unchanged")
                    .arg(from)
                    .arg(latest);
        return false;
    }
    for (int version = from + 1; version <= target; ++version) {
        const QString script = migrationSql(version);
        if (script.isEmpty()) {
            if (error)
                *error = QStringLiteral("migration %1 is missing from this build").arg(version);
            return false;
        }
        sql::Transaction transaction(db);
        if (!transaction.ok()) {
            if (error) *error = transaction.error();
            return false;
        }
        for (const QString& statement : splitStatements(script)) {
            QString why;
            if (!sql::exec(db, statement, &why)) {
                if (error) *error = QStringLiteral("migration %1 failed: %2").arg(version).arg(why);
                return false; // the transaction rolls the partial migration back
            }
        }
        if (!sql::exec(db, QStringLiteral("PRAGMA user_version = %1").arg(version), error))
            return false;
        if (!transaction.commit(error)) return false;
    }
    return true;
}

} // namespace rwb::storage::migrations
