# Install layout, one place for every install() of the project. Linux and Windows: a prefix with
# bin/, share/reasoning-workbench (models, problem sets) and lib/reasoning-workbench (CUDA module).
# macOS: everything inside "Reasoning Workbench.app" (Contents/MacOS, Contents/Resources/share/...),
# where rwb::resource_dirs() looks. Files without a COMPONENT belong to the main package; the CUDA
# module has its own ("cuda") so that it can be shipped as a separate package.
set(CMAKE_INSTALL_DEFAULT_COMPONENT_NAME main)
if(APPLE)
  set(RWB_MACOS_BUNDLE_NAME "Reasoning Workbench")
  set(RWB_INSTALL_BUNDLEDIR ".")
  set(RWB_INSTALL_BINDIR "${RWB_MACOS_BUNDLE_NAME}.app/Contents/MacOS")
  set(RWB_INSTALL_DATADIR "${RWB_MACOS_BUNDLE_NAME}.app/Contents/Resources/share/reasoning-workbench")
  set(RWB_INSTALL_MODULEDIR "${RWB_MACOS_BUNDLE_NAME}.app/Contents/PlugIns/reasoning-workbench")
else()
  set(RWB_INSTALL_BUNDLEDIR ".")
  set(RWB_INSTALL_BINDIR "bin")
  set(RWB_INSTALL_DATADIR "share/reasoning-workbench")
  set(RWB_INSTALL_MODULEDIR "lib/reasoning-workbench")
endif()
