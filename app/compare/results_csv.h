// CSV export of problem-set results: one line per model and budget with accuracy and its
// Wilson interval, pass@k, cons@k, token means, speed and time per problem (RFC 4180 quoting).
#pragma once

#include "compare/problem_set_store.h"

#include <QString>

namespace rwb::compare {

QString resultsCsv(const QVector<ResultRow>& rows);
QString csvField(const QString& text); // quoted when it needs to be

} // namespace rwb::compare
