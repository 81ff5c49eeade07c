#include "about_info.h"

#include "app_paths.h"
#include "rwb/version.h"

#include <QList>
#include <QPair>
#include <QStandardPaths>
#include <QtGlobal>

namespace rwb::app {

namespace {

QList<QPair<QString, QString>> aboutFacts() {
    const QString resources = bundledResourceDir();
    return {
        {QStringLiteral("Version"), QString::fromUtf8(rwb::version_string())},
        {QStringLiteral("Built"), QString::fromUtf8(rwb::build_date())},
        {QStringLiteral("Commit"), QString::fromUtf8(rwb::git_commit())},
        {QStringLiteral("Backends"), QString::fromStdString(rwb::backends_summary())},
        {QStringLiteral("Qt"), QString::fromUtf8(qVersion())},
        {QStringLiteral("Bundled resources"),
         resources.isEmpty() ? QStringLiteral("(not found)") : resources},
        {QStringLiteral("User data"),
         QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)},
    };
}

} // namespace

QString aboutPlainText() {
    QString out = QStringLiteral("Reasoning Workbench %1\n").arg(rwb::version_string());
    for (const auto& [label, value] : aboutFacts())
        out += label + QStringLiteral(": ") + value + '\n';
    return out;
}

QString aboutHtml() {
    QString out = QStringLiteral("<p><b>Reasoning Workbench</b> %1</p><table>")
                      .arg(QString::fromUtf8(rwb::version_string()).toHtmlEscaped());
    for (const auto& [label, value] : aboutFacts())
        out += QStringLiteral("<tr><td>%1:&nbsp;</td><td>%2</td></tr>")
                   .arg(label.toHtmlEscaped(), value.toHtmlEscaped());
    return out + QStringLiteral("</table>");
}

} // namespace rwb::app
