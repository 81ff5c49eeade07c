// The main window opens, shows its title and version in About, and remembers its geometry.
#include "main/main_window.h"

#include <QSettings>
#include <QStandardPaths>
#include <QtTest>

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("ReasoningWorkbenchTest");
        QCoreApplication::setApplicationName("tst_main_window");
        QSettings().clear();
    }

    void opensWithTitle() {
        rwb::ui::MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.windowTitle(), QString("Reasoning Workbench"));
        QVERIFY(w.findChild<QWidget*>("welcomeLabel") != nullptr);
    }

    void remembersGeometry() {
        {
            rwb::ui::MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.resize(913, 611);
            QTRY_COMPARE(w.size(), QSize(913, 611));
            w.close();
        }
        rwb::ui::MainWindow again;
        QCOMPARE(again.size(), QSize(913, 611));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
