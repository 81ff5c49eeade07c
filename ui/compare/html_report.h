// The self-contained HTML report of a problem-set run: settings, the results table (accuracy
// with its 95% Wilson interval, pass@k, cons@k, token means, speed, time per problem), the four
// charts as inline SVG (data: URIs, so the one file is everything), and every problem's
// graded answers per model.
#pragma once

#include "compare/problem_set_store.h"

#include <QString>

namespace rwb::ui::compare {

QString htmlReport(const rwb::compare::ProblemSetConfig& config,
                   const QVector<rwb::compare::ResultRow>& rows,
                   const QVector<rwb::compare::SampleRecord>& samples);

} // namespace rwb::ui::compare
