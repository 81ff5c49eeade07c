#include "main_window.h"

#include "chat/thinking_block.h"
#include "chat_view/chat_banners.h"
#include "chat_view/chat_view.h"
#include "compare/compare_runs_list.h"
#include "compare/compare_view.h"
#include "compare/problem_set_view.h"
#include "comparison_window.h"
#include "conversation_import.h"
#include "conversations/conversation_panel.h"
#include "conversations/storage_requests.h"
#include "core/about_info.h"
#include "inference/chat_controller.h"
#include "library/library_dialog.h"
#include "message_store.h"
#include "models/model_locator.h"
#include "remote/remote_menu.h"
#include "settings/settings_panel.h"
#include "storage_worker.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QIcon>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>

// The bundled icon lives in this static library's resources: register them before first use.
static void initAppIcons() {
    Q_INIT_RESOURCE(app_icons);
}

namespace rwb::ui {

QIcon MainWindow::appIcon() {
    initAppIcons();
    return QIcon::fromTheme(QStringLiteral("org.reasoningworkbench.ReasoningWorkbench"),
                            QIcon(QStringLiteral(":/icons/reasoning-workbench.svg")));
}

MainWindow::MainWindow(QWidget* parent)
    : MainWindow(rwb::storage::MessageStore::defaultDatabasePath(), parent) {}

MainWindow::MainWindow(const QString& databasePath, QWidget* parent)
    : QMainWindow(parent), m_storage(std::make_unique<rwb::storage::StorageThread>()) {
    setWindowTitle(tr("Reasoning Workbench"));
    setObjectName("MainWindow");
    setWindowIcon(appIcon());
    m_requests = new StorageRequests(m_storage->worker(), this);
    // Queued first: every storage call made below (by the controller too) runs after the open.
    openStorage(databasePath);
    m_controller = std::make_unique<rwb::app::ChatController>(m_storage->worker());
    m_import = new ConversationImport(m_storage->worker(), this);

    m_statusModel = new QLabel(this);
    m_statusModel->setObjectName("modelStatus");
    statusBar()->addPermanentWidget(m_statusModel);
    buildPanes();
    buildMenus();
    connectPanes();
    restoreLayout();
    m_controller->setSettings(m_settings->settings());
    updateModelStatus({});
}

MainWindow::~MainWindow() {
    // Generations stop and their threads join before the storage they write to goes away; the
    // storage thread then saves pending text and closes the database.
    m_controller.reset();
    m_storage.reset();
}

void MainWindow::openStorage(const QString& databasePath) {
    m_requests->open(
        databasePath,
        [this](int interrupted) {
            m_storageReady = true;
            m_conversations->refresh();
            m_compareRuns->refresh();
            if (interrupted > 0)
                statusBar()->showMessage(
                    tr("%n answer(s) cut off by the last exit are marked interrupted", "",
                       interrupted),
                    8000);
            emit storageReady();
        },
        [this](const QString& error) {
            m_chat->showError(tr("History unavailable: %1").arg(error));
        });
}

void MainWindow::buildPanes() {
    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setObjectName("mainSplitter");
    m_splitter->setChildrenCollapsible(true);
    m_conversations = new ConversationPanel(m_requests, m_splitter);
    m_compareRuns = new compare::CompareRunsList(m_conversations);
    m_compareRuns->setStorage(m_storage->worker());
    m_compareRuns->setProblemSetDatabasePath(ComparisonWindow::problemSetDatabasePath());
    m_conversations->addSection(m_compareRuns);
    connect(m_compareRuns, &compare::CompareRunsList::comparisonActivated, this,
            [this](qint64 id) { ensureComparisonWindow()->openStoredComparison(id); });
    connect(m_compareRuns, &compare::CompareRunsList::problemSetRunActivated, this,
            [this](qint64 id) { ensureComparisonWindow()->openProblemSetRun(id); });
    // A renamed or deleted run changes the comparison window only if one is open.
    connect(m_compareRuns, &compare::CompareRunsList::comparisonRenamed, this, [this](qint64 id) {
        if (m_comparison) m_comparison->storedComparisonRenamed(id);
    });
    connect(m_compareRuns, &compare::CompareRunsList::comparisonDeleted, this, [this](qint64 id) {
        if (m_comparison) m_comparison->forgetStoredComparison(id);
    });
    m_compareRuns->setProblemSetRunBusy([this](qint64 id) {
        return m_comparison && m_comparison->problemSetView()->isRunning() &&
               m_comparison->problemSetView()->runId() == id;
    });
    m_chat = new ChatView(m_controller.get(), m_requests, m_splitter);
    auto* settingsScroll = new QScrollArea(m_splitter);
    settingsScroll->setObjectName("settingsScroll");
    settingsScroll->setWidgetResizable(true);
    settingsScroll->setFrameShape(QFrame::NoFrame);
    m_settings = new SettingsPanel(settingsScroll);
    settingsScroll->setWidget(m_settings);
    m_splitter->addWidget(m_conversations);
    m_splitter->addWidget(m_chat);
    m_splitter->addWidget(settingsScroll);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setStretchFactor(2, 0);
    m_splitter->setSizes({260, 680, 280});
    setCentralWidget(m_splitter);
    ThinkingBlock::setDefaultExpanded(m_settings->expandThinkingByDefault());
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* create = file->addAction(tr("&New conversation"), this, &MainWindow::newConversation);
    create->setObjectName("newConversationAction");
    create->setShortcut(QKeySequence::New);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* chat = menuBar()->addMenu(tr("&Chat"));
    QAction* send = chat->addAction(tr("&Send"), m_chat, &ChatView::send);
    send->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_stopAction = chat->addAction(tr("S&top"), m_chat, &ChatView::stop);
    m_stopAction->setObjectName("stopAction");
    m_stopAction->setShortcut(Qt::Key_Escape);
    m_stopAction->setEnabled(false); // only while generating, so Esc still closes editors
    chat->addSeparator();
    QAction* search = chat->addAction(tr("Search conversations"), this, &MainWindow::focusSearch);
    search->setShortcut(QKeySequence::Find);
    QAction* model = chat->addAction(tr("Switch &model\u2026"), this, &MainWindow::switchModel);
    model->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));

    QMenu* models = menuBar()->addMenu(tr("&Models"));
    QAction* library =
        models->addAction(tr("Model &library\u2026"), this, &MainWindow::openLibrary);
    library->setObjectName("libraryAction");

    QMenu* comparison = menuBar()->addMenu(tr("C&ompare"));
    QAction* compareModels =
        comparison->addAction(tr("&Compare models\u2026"), this, &MainWindow::openCompare);
    compareModels->setObjectName("compareAction");
    QAction* problemSets =
        comparison->addAction(tr("&Problem sets\u2026"), this, &MainWindow::openProblemSets);
    problemSets->setObjectName("problemSetsAction");

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* settings =
        view->addAction(tr("&Settings panel"), this, &MainWindow::toggleSettingsPanel);
    settings->setShortcut(Qt::Key_F9);

    // Remote endpoints and the local OpenAI-compatible server (ui/remote/remote_menu.h).
    installRemoteMenu(this, m_settings);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Reasoning Workbench"), this, &MainWindow::showAbout);
}

void MainWindow::connectPanes() {
    connect(m_conversations, &ConversationPanel::conversationActivated, m_chat,
            &ChatView::showConversation);
    connect(m_conversations, &ConversationPanel::conversationDeleted, this, [this](qint64 id) {
        m_controller->releaseConversation(id);
        if (m_chat->conversationId() == id) m_chat->newConversation();
    });
    connect(m_conversations, &ConversationPanel::conversationRestored, this, [this](qint64 id) {
        m_conversations->setCurrentConversation(id);
        m_chat->showConversation(id);
    });
    connect(m_conversations, &ConversationPanel::errorOccurred, m_chat, &ChatView::showError);
    connect(m_requests, &StorageRequests::failed, m_chat, &ChatView::showError);
    connect(m_compareRuns, &compare::CompareRunsList::errorOccurred, m_chat, &ChatView::showError);
    connect(m_chat, &ChatView::conversationCreated, this, [this](qint64 id) {
        m_conversations->setCurrentConversation(id);
        m_conversations->refresh();
    });
    connect(m_chat, &ChatView::conversationChanged, m_conversations, &ConversationPanel::refresh);
    connect(m_chat, &ChatView::conversationDiscarded, this, [this](qint64 id) {
        if (m_conversations->currentConversation() == id)
            m_conversations->setCurrentConversation(0);
        m_conversations->refresh();
    });
    connect(m_chat, &ChatView::modelReady, this,
            [this](const QString& name) { updateModelStatus(tr("%1 ready").arg(name)); });
    connect(m_controller.get(), &rwb::app::ChatController::modelLoading, this,
            [this](qint64, const QString& path) {
                updateModelStatus(tr("loading %1\u2026").arg(QFileInfo(path).completeBaseName()));
            });
    connect(m_controller.get(), &rwb::app::ChatController::busyChanged, this,
            [this] { m_stopAction->setEnabled(m_controller->isAnyBusy()); });
    connect(m_settings, &SettingsPanel::settingsChanged, this,
            [this](const rwb::app::GenerationSettings& s) {
                m_controller->setSettings(s);
                updateModelStatus({});
            });
    connect(m_settings, &SettingsPanel::expandThinkingChanged, this,
            [](bool on) { ThinkingBlock::setDefaultExpanded(on); });
    connect(m_import, &ConversationImport::failed, m_chat, &ChatView::showError);
    connect(m_import, &ConversationImport::finished, this, [this](qint64 id) {
        m_conversations->setCurrentConversation(id);
        m_conversations->refresh();
        m_chat->showConversation(id);
        raise();
        activateWindow();
    });
}

void MainWindow::updateModelStatus(const QString& state) {
    QString error;
    const QString path = rwb::app::ModelLocator::resolve(m_controller->settings(), &error);
    m_chat->setModelAvailable(!path.isEmpty(), error);
    if (path.isEmpty()) {
        m_statusModel->setText(tr("No model"));
        return;
    }
    const QString name = QFileInfo(path).completeBaseName();
    m_statusModel->setText(state.isEmpty() ? name : state);
}

void MainWindow::newConversation() {
    m_conversations->setCurrentConversation(0);
    m_chat->newConversation();
}

void MainWindow::focusSearch() {
    m_conversations->focusSearch();
}

void MainWindow::switchModel() {
    QList<int> sizes = m_splitter->sizes();
    if (sizes.value(2) == 0) toggleSettingsPanel();
    m_settings->focusModelPicker();
}

void MainWindow::toggleSettingsPanel() {
    QList<int> sizes = m_splitter->sizes();
    if (sizes.size() != 3) return;
    if (sizes[2] > 0) {
        sizes[1] += sizes[2];
        sizes[2] = 0;
    } else {
        const int width = std::max(260, m_settings->sizeHint().width());
        sizes[1] = std::max(200, sizes[1] - width);
        sizes[2] = width;
    }
    m_splitter->setSizes(sizes);
}

void MainWindow::openLibrary() {
    auto* dialog = findChild<LibraryDialog*>();
    if (!dialog) {
        dialog = new LibraryDialog(nullptr, this);
        connect(dialog, &LibraryDialog::modelChosen, this, &MainWindow::openModelFile);
    }
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
}

void MainWindow::openModelFile(const QString& path) {
    if (!QFileInfo(path).isFile()) {
        m_chat->showError(tr("Model file not found: %1").arg(path));
        return;
    }
    m_settings->selectModelFile(QFileInfo(path).absoluteFilePath());
    statusBar()->showMessage(tr("Model: %1").arg(QFileInfo(path).fileName()), 5000);
}

QStringList MainWindow::knownModels() const {
    QStringList paths;
    const QComboBox* picker = m_settings->modelPicker();
    for (int i = 0; i < picker->count(); ++i) {
        const QString path = picker->itemData(i).toString();
        // Local GGUF files and saved remote endpoints ("remote:<id>", a column of their own).
        if ((QFileInfo(path).isFile() || path.startsWith(QLatin1String("remote:"))) &&
            !paths.contains(path))
            paths.append(path);
    }
    return paths;
}

ComparisonWindow* MainWindow::ensureComparisonWindow() {
    if (!m_comparison) {
        m_comparison = new ComparisonWindow(this);
        connect(m_comparison->compareView(), &compare::CompareView::continueInChat, this,
                &MainWindow::continueInChat);
        // Finished comparisons are stored in the history; the Compare section lists them.
        m_comparison->setStorage(m_storage->worker());
        connect(m_comparison, &ComparisonWindow::comparisonStored, m_compareRuns,
                &compare::CompareRunsList::refresh);
        connect(m_comparison->problemSetView(), &compare::ProblemSetView::runFinished,
                m_compareRuns, &compare::CompareRunsList::refresh);
        connect(m_comparison->problemSetView(), &compare::ProblemSetView::sampleFinished,
                m_compareRuns, &compare::CompareRunsList::scheduleRefresh);
        connect(m_comparison, &ComparisonWindow::errorOccurred, m_chat, &ChatView::showError);
    }
    // The models known now (a Library pick adds to the picker); only a changed list is set again,
    // so the picks made in the window stay.
    const QStringList models = knownModels();
    if (m_comparison->property("models").toStringList() != models) {
        m_comparison->setProperty("models", models);
        m_comparison->setAvailableModels(models);
    }
    return m_comparison;
}

void MainWindow::openCompare() {
    ensureComparisonWindow()->showCompare();
}

void MainWindow::openProblemSets() {
    ensureComparisonWindow()->showProblemSets();
}

void MainWindow::continueInChat(const QString& modelPath, const QString& prompt,
                                const QString& thinking, const QString& answer) {
    // The conversation goes on with the column's model.
    if (QFileInfo(modelPath).isFile()) {
        m_settings->selectModelFile(modelPath);
    } else if (const int remote = m_settings->modelPicker()->findData(modelPath);
               remote >= 0 && modelPath.startsWith(QLatin1String("remote:"))) {
        m_settings->modelPicker()->setCurrentIndex(remote); // a remote column's endpoint
    }
    QString title = prompt.trimmed().section(QLatin1Char('\n'), 0, 0).simplified();
    if (title.size() > 60) title = title.left(59) + QChar(0x2026);
    m_import->importReply(title, prompt, thinking, answer);
}

void MainWindow::restoreLayout() {
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray())) resize(1200, 780);
    restoreState(settings.value("window/state").toByteArray());
    m_splitter->restoreState(settings.value("window/splitter").toByteArray());
}

void MainWindow::saveLayout() {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("window/splitter", m_splitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    event->accept();
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Reasoning Workbench"), rwb::app::aboutHtml());
}

} // namespace rwb::ui
