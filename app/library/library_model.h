// LibraryModel: the table of GGUF files in the library (one row per file). Duplicates (same
// content fingerprint) are marked on every copy after the first; broken files show the reason.
// Remove drops a row and, when asked, deletes the file.
#pragma once

#include "library/library_entry.h"

#include <QAbstractTableModel>
#include <QVector>

namespace rwb::app {

class LibraryModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Name,
        Architecture,
        Parameters,
        Quantization,
        FileSize,
        Context,
        ChatTemplate,
        R1Distill,
        Fit,
        Status, // "ok", "duplicate of <path>", "broken: <reason>"
        ColumnCount
    };
    enum Role { PathRole = Qt::UserRole + 1, BrokenRole, DuplicateOfRole };

    explicit LibraryModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    const LibraryEntry& entry(int row) const { return entries_[row]; }
    int rowOfPath(const QString& path) const;
    // The earlier row with the same fingerprint, or -1.
    int duplicateOf(int row) const;
    QStringList paths() const;

public slots:
    // Adds or refreshes (same path) one entry.
    void addEntry(const rwb::app::LibraryEntry& entry);
    // Removes the row; with delete_file also deletes the file from disk. False if the file
    // could not be deleted (the row then stays).
    bool removeRow(int row, bool delete_file);
    void clear();

private:
    QVector<LibraryEntry> entries_;
};

} // namespace rwb::app
