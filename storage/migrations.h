// Versioned schema migrations. Migration N lives in storage/migrations/NNN_*.sql (embedded as a
// Qt resource) and moves a database from PRAGMA user_version N-1 to N inside one transaction, so
// a failure leaves the database exactly at N-1.
#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace rwb::storage::migrations {

// The newest schema version this build knows.
int latestVersion();

// SQL text of migration `version` (1..latestVersion()).
QString migrationSql(int version);

// Splits a script into statements (trigger bodies stay whole; comments and blank parts dropped).
QStringList splitStatements(const QString& script);

int currentVersion(QSqlDatabase& db, QString* error);

// Applies migrations from the current version up to `target` (default: the newest), one
// transaction each. Refuses a database newer than this build. Returns false with *error set.
bool migrate(QSqlDatabase& db, QString* error, int target = -1);

} // namespace rwb::storage::migrations
