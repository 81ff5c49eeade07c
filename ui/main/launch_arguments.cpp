#include "launch_arguments.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace rwb::ui {

LaunchModel modelFromArguments(const QStringList& arguments) {
    LaunchModel out;
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& arg = arguments[i];
        if (arg.startsWith(QLatin1Char('-'))) continue;
        if (!arg.endsWith(QLatin1String(".gguf"), Qt::CaseInsensitive)) continue;
        const QFileInfo info(arg);
        if (!info.exists())
            out.error =
                QCoreApplication::translate("LaunchArguments", "Model file not found: %1").arg(arg);
        else if (!info.isFile() || !info.isReadable())
            out.error =
                QCoreApplication::translate("LaunchArguments", "Model file cannot be read: %1")
                    .arg(arg);
        else
            out.path = info.absoluteFilePath();
        return out;
    }
    return out;
}

} // namespace rwb::ui
