// Small helpers over QSqlQuery shared by the storage files: one-line error text, a scoped
// transaction that rolls back unless committed, and conversions for times and JSON columns.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

namespace rwb::storage::sql {

// "what failed: driver text" on one line.
QString describe(const QString& what, const QSqlError& error);

// Runs one statement without bound values; on failure sets *error.
bool exec(QSqlDatabase& db, const QString& statement, QString* error);

// Prepares and executes a bound query; on failure sets *error.
bool run(QSqlQuery& query, QString* error);

// Binds the next value; a null QString is bound as '' (text columns are NOT NULL).
void bind(QSqlQuery& query, const QVariant& value);

qint64 toMs(const QDateTime& t);
QDateTime fromMs(qint64 ms);
QString jsonText(const QJsonObject& object);
QJsonObject jsonObject(const QString& text);

// SAVEPOINT ... RELEASE; rolls back in the destructor unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(QSqlDatabase& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    bool ok() const { return m_open; }
    const QString& error() const { return m_error; }
    bool commit(QString* error);

private:
    QSqlDatabase& m_db;
    QString m_name;
    bool m_open = false;
    QString m_error;
};

} // namespace rwb::storage::sql
