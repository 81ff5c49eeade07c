# macOS: "Reasoning Workbench.app" (Info.plist, .icns, rwb and the bundled resources inside, Qt
# frameworks copied by macdeployqt) in a DragNDrop DMG with an /Applications link. Built on a Mac
# only (see README). Layout: cmake/RwbInstallDirs.cmake; rwb::resource_dirs() looks in
# Contents/Resources/share/reasoning-workbench.
set(CPACK_GENERATOR "DragNDrop")
set(CPACK_DMG_VOLUME_NAME "Reasoning Workbench ${PROJECT_VERSION}")
set(CPACK_DMG_FORMAT "UDZO")
set(CPACK_PACKAGE_FILE_NAME "ReasoningWorkbench-${PROJECT_VERSION}-macos-${CMAKE_SYSTEM_PROCESSOR}")

if(TARGET reasoning-workbench)
  # .icns from the SVG: rsvg-convert (Homebrew librsvg) renders the iconset, iconutil packs it.
  set(_iconset ${CMAKE_CURRENT_BINARY_DIR}/ReasoningWorkbench.iconset)
  set(_icns ${CMAKE_CURRENT_BINARY_DIR}/ReasoningWorkbench.icns)
  set(_svg ${PROJECT_SOURCE_DIR}/resources/icons/reasoning-workbench.svg)
  find_program(RWB_RSVG_CONVERT rsvg-convert REQUIRED)
  set(_render_cmds)
  foreach(_s 16 32 128 256 512)
    math(EXPR _s2 "${_s} * 2")
    list(APPEND _render_cmds
      COMMAND ${RWB_RSVG_CONVERT} -w ${_s} -h ${_s} -o ${_iconset}/icon_${_s}x${_s}.png ${_svg}
      COMMAND ${RWB_RSVG_CONVERT} -w ${_s2} -h ${_s2} -o ${_iconset}/icon_${_s}x${_s}@2x.png ${_svg})
  endforeach()
  add_custom_command(OUTPUT ${_icns}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_iconset}
    ${_render_cmds}
    COMMAND iconutil -c icns -o ${_icns} ${_iconset}
    DEPENDS ${_svg} COMMENT "Making ReasoningWorkbench.icns" VERBATIM)
  set_source_files_properties(${_icns} TARGET_DIRECTORY reasoning-workbench
    PROPERTIES MACOSX_PACKAGE_LOCATION Resources GENERATED TRUE)
  target_sources(reasoning-workbench PRIVATE ${_icns})

  set_target_properties(reasoning-workbench PROPERTIES
    MACOSX_BUNDLE ON
    OUTPUT_NAME "${RWB_MACOS_BUNDLE_NAME}"
    MACOSX_BUNDLE_INFO_PLIST ${CMAKE_CURRENT_LIST_DIR}/Info.plist.in
    MACOSX_BUNDLE_GUI_IDENTIFIER ${RWB_PACKAGE_ID}
    MACOSX_BUNDLE_BUNDLE_NAME "${RWB_MACOS_BUNDLE_NAME}"
    MACOSX_BUNDLE_BUNDLE_VERSION ${PROJECT_VERSION}
    MACOSX_BUNDLE_SHORT_VERSION_STRING ${PROJECT_VERSION}
    MACOSX_BUNDLE_ICON_FILE ReasoningWorkbench.icns)

  get_target_property(_qmake Qt6::qmake IMPORTED_LOCATION)
  get_filename_component(_qt_bin "${_qmake}" DIRECTORY)
  find_program(RWB_MACDEPLOYQT macdeployqt HINTS "${_qt_bin}" REQUIRED)
  # macdeployqt copies the Qt frameworks and plugins into the bundle and rewrites both binaries'
  # library paths; rwb is inside the bundle, so it is fixed up with -executable.
  install(CODE "
    set(_app \"\${CMAKE_INSTALL_PREFIX}/${RWB_MACOS_BUNDLE_NAME}.app\")
    execute_process(COMMAND \"${RWB_MACDEPLOYQT}\" \"\${_app}\"
      \"-executable=\${_app}/Contents/MacOS/rwb\" -always-overwrite
      COMMAND_ERROR_IS_FATAL ANY)
  " COMPONENT main)
endif()
