// Two slim bars above the prompt: ErrorBanner (one line, the error as the engine or storage
// said it, with a close button) and LoadingIndicator (the model being loaded, with progress;
// indeterminate while the engine reports none).
#pragma once

#include <QFrame>

class QLabel;
class QProgressBar;
class QToolButton;

namespace rwb::ui {

class ErrorBanner : public QFrame {
    Q_OBJECT
public:
    explicit ErrorBanner(QWidget* parent = nullptr);
    void showError(const QString& error); // keeps the first line only
    QString text() const;

private:
    QLabel* m_label;
    QToolButton* m_close;
};

class LoadingIndicator : public QFrame {
    Q_OBJECT
public:
    explicit LoadingIndicator(QWidget* parent = nullptr);
    void start(const QString& modelPath);
    void setProgress(int percent); // -1: unknown
    void finish();
    QString text() const;

private:
    QLabel* m_label;
    QProgressBar* m_progress;
};

} // namespace rwb::ui
