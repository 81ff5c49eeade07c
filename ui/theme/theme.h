// Application colour theme: follow the system, or force a light or dark Fusion palette.
#pragma once

#include <QString>

class QApplication;

namespace rwb::ui {

enum class Theme { System, Light, Dark };

// QSettings key holding the chosen theme ("system", "light" or "dark").
inline constexpr const char* kThemeSettingsKey = "ui/theme";

QString themeName(Theme theme);           // "system" / "light" / "dark"
Theme themeFromName(const QString& name); // unknown names -> System

// The theme saved in QSettings (System when none is saved).
Theme savedTheme();
void saveTheme(Theme theme);

// Applies `theme` to the whole application at once: Light and Dark use the Fusion style with a
// full palette (every colour group, disabled roles included); System restores the style and
// palette the application started with. Widgets receive PaletteChange and re-theme themselves.
void applyTheme(QApplication& app, Theme theme);

// savedTheme() applied; the one call main() makes at startup.
void applySavedTheme(QApplication& app);

} // namespace rwb::ui
