// StoredComparisonView (see stored_comparison_view.h).
#include "compare/stored_comparison_view.h"

#include "chat/answer_view.h"
#include "chat/thinking_block.h"
#include "compare/compare_column.h"
#include "compare/compare_view.h"
#include "rwb/eval_grading.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace rwb::ui::compare {

namespace {
QString number(double v, int decimals) {
    return v < 0 ? QStringLiteral("–") : QString::number(v, 'f', decimals);
}
} // namespace

StoredComparisonView::StoredComparisonView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_header = new QLabel(this);
    m_header->setObjectName(QStringLiteral("storedComparisonHeader"));
    m_header->setWordWrap(true);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_header);
    auto* splitter = new QSplitter(Qt::Vertical, this);
    auto* columnsHost = new QWidget(splitter);
    m_columnsLayout = new QHBoxLayout(columnsHost);
    m_metrics = new QTableWidget(0, CompareView::MetricsColumnCount, splitter);
    m_metrics->setHorizontalHeaderLabels(
        {tr("Model"), tr("State"), tr("TTFT ms"), tr("First answer ms"), tr("Thinking s"),
         tr("Thinking tokens"), tr("Answer tokens"), tr("Thinking tok/s"), tr("Answer tok/s"),
         tr("Peak memory MiB"), tr("Final answer"), tr("Agree")});
    m_metrics->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_metrics->setEditTriggers(QAbstractItemView::NoEditTriggers);
    splitter->addWidget(columnsHost);
    splitter->addWidget(m_metrics);
    layout->addWidget(splitter, 1);
}

QString StoredComparisonView::headerText() const {
    return m_header->text();
}

void StoredComparisonView::clear(const QString& why) {
    m_runId = 0;
    for (CompareColumn* c : m_columns) c->deleteLater();
    m_columns.clear();
    m_metrics->setRowCount(0);
    m_header->setText(why.toHtmlEscaped());
}

void StoredComparisonView::showRecord(const rwb::compare::ComparisonRecord& rec) {
    using rwb::storage::MessageState;
    m_runId = rec.run.id;
    for (CompareColumn* c : m_columns) c->deleteLater();
    m_columns.clear();
    const QJsonObject& s = rec.run.sampling;
    m_header->setText(
        tr("<b>%1</b> · %2 · seed %3 · temperature %4<br>%5")
            .arg(rec.run.title.toHtmlEscaped(),
                 QLocale().toString(rec.run.created.toLocalTime(), QLocale::ShortFormat),
                 s.value("seed").toString(), QString::number(s.value("temperature").toDouble()),
                 rec.run.prompt.toHtmlEscaped()));
    m_metrics->setRowCount(int(rec.results.size()));
    // Agreement as the live view reckons it (CompareSession::answersAgree): every finished
    // column has a final answer, the same once normalised, and at least two have one.
    bool agree = true;
    QStringList finals;
    for (const auto& r : rec.results) {
        if (r.state != MessageState::Complete) continue;
        if (r.verdict.isEmpty()) agree = false;
        finals.append(QString::fromStdString(rwb::eval::normalize_answer(r.verdict.toStdString())));
    }
    agree = agree && finals.size() >= 2 && finals.count(finals.first()) == finals.size();
    for (int i = 0; i < rec.results.size(); ++i) {
        const auto& r = rec.results[i];
        const QJsonObject m = r.provenance.sampling.value("compare_metrics").toObject();
        const QString path = i < rec.models.size() && !rec.models[i].path.isEmpty()
                                 ? rec.models[i].path
                                 : m.value("model_path").toString();
        auto* col = new CompareColumn(path, this);
        col->setStateText(rwb::storage::stateName(r.state));
        col->thinkingBlock()->restore(r.reasoning, r.thinkingSeconds, int(r.thinkingTokens),
                                      r.state != MessageState::Complete);
        col->answerView()->setMarkdown(r.answer);
        const double thinkTps = m.value("thinking_tokens_per_second").toDouble();
        col->setStats(
            tr("TTFT %1 ms · thinking %2 tokens in %3 s · answer %4 tokens · %5 / %6 tok/s")
                .arg(number(r.timeToFirstTokenMs, 0))
                .arg(r.thinkingTokens)
                .arg(number(r.thinkingSeconds, 1))
                .arg(r.answerTokens)
                .arg(number(thinkTps, 1), number(r.tokensPerSecond, 1)));
        col->setRunning(false);
        col->continueButton()->setEnabled(true);
        connect(col, &CompareColumn::continueInChatRequested, this,
                [this, path, prompt = rec.run.prompt, thinking = r.reasoning, answer = r.answer] {
                    emit continueInChat(path, prompt, thinking, answer);
                });
        m_columnsLayout->addWidget(col, 1);
        m_columns.append(col);

        const double peak = m.value("peak_memory_bytes").toDouble();
        const QStringList cells = {QFileInfo(path).completeBaseName(),
                                   rwb::storage::stateName(r.state),
                                   number(r.timeToFirstTokenMs, 0),
                                   number(m.value("first_answer_ms").toDouble(-1), 0),
                                   number(r.thinkingSeconds, 2),
                                   QString::number(r.thinkingTokens),
                                   QString::number(r.answerTokens),
                                   number(thinkTps, 1),
                                   number(r.tokensPerSecond, 1),
                                   peak > 0 ? QString::number(peak / (1 << 20), 'f', 1)
                                            : QStringLiteral("–"),
                                   r.verdict,
                                   agree ? tr("yes") : tr("no")};
        for (int k = 0; k < cells.size(); ++k)
            m_metrics->setItem(i, k, new QTableWidgetItem(cells[k]));
    }
}

} // namespace rwb::ui::compare
