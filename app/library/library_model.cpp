// LibraryModel implementation.
#include "library/library_model.h"

#include <QFile>
#include <QLocale>

namespace rwb::app {
namespace {
QString params_text(quint64 n) {
    if (n >= 1000000000ull) return QString::number(double(n) / 1e9, 'f', 1) + "B";
    if (n >= 1000000ull) return QString::number(double(n) / 1e6, 'f', 1) + "M";
    return QString::number(n);
}
} // namespace

int LibraryModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(entries_.size());
}
int LibraryModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

int LibraryModel::duplicateOf(int row) const {
    const QString& fp = entries_[row].fingerprint;
    if (fp.isEmpty()) return -1;
    for (int i = 0; i < row; ++i)
        if (entries_[i].fingerprint == fp) return i;
    return -1;
}

QVariant LibraryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= int(entries_.size())) return {};
    const LibraryEntry& e = entries_[index.row()];
    if (role == PathRole) return e.path;
    if (role == BrokenRole) return e.broken;
    if (role == DuplicateOfRole) {
        const int d = duplicateOf(index.row());
        return d < 0 ? QString() : entries_[d].path;
    }
    if (role == Qt::ToolTipRole) return e.broken ? e.error : e.path;
    if (role != Qt::DisplayRole) return {};
    switch (index.column()) {
    case Name:
        return e.name;
    case Architecture:
        return e.architecture;
    case Parameters:
        return e.broken ? QString() : params_text(e.parameters);
    case Quantization:
        return e.quantization;
    case FileSize:
        return QLocale::system().formattedDataSize(qint64(e.file_size));
    case Context:
        return e.broken ? QVariant() : QVariant(e.context_length);
    case ChatTemplate:
        return e.broken ? QString() : (e.has_chat_template ? tr("yes") : tr("no"));
    case R1Distill:
        return e.broken ? QString() : (e.is_r1_distill ? tr("yes") : tr("no"));
    case Fit:
        return e.fit;
    case Status: {
        if (e.broken) return tr("broken: %1").arg(e.error);
        const int d = duplicateOf(index.row());
        return d < 0 ? tr("ok") : tr("duplicate of %1").arg(entries_[d].path);
    }
    default:
        return {};
    }
}

QVariant LibraryModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {
        "Name",    "Architecture",  "Parameters", "Quantization", "File size",
        "Context", "Chat template", "R1 distill", "Fit",          "Status"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

int LibraryModel::rowOfPath(const QString& path) const {
    for (int i = 0; i < int(entries_.size()); ++i)
        if (entries_[i].path == path) return i;
    return -1;
}

QStringList LibraryModel::paths() const {
    QStringList out;
    for (const auto& e : entries_) out << e.path;
    return out;
}

void LibraryModel::addEntry(const LibraryEntry& entry) {
    const int row = rowOfPath(entry.path);
    if (row >= 0) {
        entries_[row] = entry;
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
        return;
    }
    beginInsertRows({}, rowCount(), rowCount());
    entries_.push_back(entry);
    endInsertRows();
}

bool LibraryModel::removeRow(int row, bool delete_file) {
    if (row < 0 || row >= rowCount()) return false;
    if (delete_file && QFile::exists(entries_[row].path) && !QFile::remove(entries_[row].path))
        return false;
    beginRemoveRows({}, row, row);
    entries_.remove(row);
    endRemoveRows();
    // Duplicate marks of the remaining rows may change.
    if (rowCount() > 0) emit dataChanged(index(0, Status), index(rowCount() - 1, Status));
    return true;
}

void LibraryModel::clear() {
    beginResetModel();
    entries_.clear();
    endResetModel();
}

} // namespace rwb::app
