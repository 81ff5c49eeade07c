// Helpers over QSqlQuery; see sql_util.h.
#include "sql_util.h"

#include <QAtomicInteger>
#include <QJsonDocument>
#include <QSqlError>

namespace rwb::storage::sql {

QString describe(const QString& what, const QSqlError& error) {
    QString text = error.databaseText().trimmed();
    if (text.isEmpty()) text = error.text().trimmed();
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text.isEmpty() ? what : what + QStringLiteral(": ") + text;
}

bool exec(QSqlDatabase& db, const QString& statement, QString* error) {
    QSqlQuery query(db);
    if (query.exec(statement)) return true;
    if (error) *error = describe(statement.simplified().left(60), query.lastError());
    return false;
}

bool run(QSqlQuery& query, QString* error) {
    if (query.exec()) return true;
    if (error) *error = describe(query.lastQuery().simplified().left(60), query.lastError());
    return false;
}

void bind(QSqlQuery& query, const QVariant& value) {
    if (value.metaType() == QMetaType::fromType<QString>() && value.toString().isNull())
        query.addBindValue(QString(QLatin1String("")));
    else
        query.addBindValue(value);
}

qint64 toMs(const QDateTime& t) {
    return t.isValid() ? t.toMSecsSinceEpoch() : 0;
}

QDateTime fromMs(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

QString jsonText(const QJsonObject& object) {
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QString& text) {
    if (text.size() <= 2) return {}; // "{}" or empty: most rows, skip the parser
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

Transaction::Transaction(QSqlDatabase& db) : m_db(db) {
    // A savepoint: a transaction of its own at the outside, a nested one inside another
    // (import wraps many addMessage calls, each of which is atomic on its own too).
    static QAtomicInteger<quint64> counter;
    m_name = QStringLiteral("rwb_sp%1").arg(++counter);
    m_open = exec(m_db, QStringLiteral("SAVEPOINT ") + m_name, &m_error);
}

Transaction::~Transaction() {
    if (!m_open) return;
    exec(m_db, QStringLiteral("ROLLBACK TO ") + m_name, nullptr);
    exec(m_db, QStringLiteral("RELEASE ") + m_name, nullptr);
}

bool Transaction::commit(QString* error) {
    if (!m_open) {
        if (error) *error = m_error;
        return false;
    }
    if (!exec(m_db, QStringLiteral("RELEASE ") + m_name, error)) return false; // destructor undoes
    m_open = false;
    return true;
}

} // namespace rwb::storage::sql
