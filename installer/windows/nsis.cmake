# Windows: NSIS installer (and a ZIP) from the install tree. Built on Windows only (see README):
# windeployqt copies Qt's DLLs and plugins next to the exe, the other DLLs the binaries need
# (QScintilla, PCRE2, SQLite, ... from vcpkg) are found with file(GET_RUNTIME_DEPENDENCIES), and a
# CUDA build adds the cuBLAS/CUDA runtime DLLs next to rwb_cuda.dll in the "cuda" component.
set(CPACK_GENERATOR "NSIS;ZIP")
set(CPACK_NSIS_COMPONENT_INSTALL ON)
set(CPACK_ARCHIVE_COMPONENT_INSTALL OFF)
set(CPACK_NSIS_PACKAGE_NAME "Reasoning Workbench")
set(CPACK_NSIS_DISPLAY_NAME "Reasoning Workbench ${PROJECT_VERSION}")
set(CPACK_NSIS_ENABLE_UNINSTALL_BEFORE_INSTALL ON)
set(CPACK_NSIS_MODIFY_PATH ON) # offers to put bin\ (rwb) on PATH
set(CPACK_NSIS_MUI_ICON "${PROJECT_SOURCE_DIR}/resources/icons/reasoning-workbench.ico")
set(CPACK_NSIS_MUI_UNIICON "${PROJECT_SOURCE_DIR}/resources/icons/reasoning-workbench.ico")
set(CPACK_NSIS_INSTALLED_ICON_NAME "bin\\reasoning-workbench.exe")
set(CPACK_NSIS_URL_INFO_ABOUT "${CPACK_PACKAGE_HOMEPAGE_URL}")
# Start-menu entry: CPACK_PACKAGE_EXECUTABLES (installer/CMakeLists.txt) links bin\reasoning-workbench.exe.
set(CPACK_NSIS_MENU_LINKS "bin/reasoning-workbench.exe" "Reasoning Workbench")

# .gguf file association (per machine; the installer runs elevated). Uninstall removes ".gguf"
# only while it still points at us.
set(CPACK_NSIS_EXTRA_INSTALL_COMMANDS [=[
  WriteRegStr HKCR ".gguf" "" "ReasoningWorkbench.gguf"
  WriteRegStr HKCR "ReasoningWorkbench.gguf" "" "GGUF model"
  WriteRegStr HKCR "ReasoningWorkbench.gguf\DefaultIcon" "" "$INSTDIR\bin\reasoning-workbench.exe,0"
  WriteRegStr HKCR "ReasoningWorkbench.gguf\shell\open\command" "" '"$INSTDIR\bin\reasoning-workbench.exe" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])
set(CPACK_NSIS_EXTRA_UNINSTALL_COMMANDS [=[
  ReadRegStr $0 HKCR ".gguf" ""
  StrCmp $0 "ReasoningWorkbench.gguf" 0 +2
  DeleteRegKey HKCR ".gguf"
  DeleteRegKey HKCR "ReasoningWorkbench.gguf"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
]=])

if(TARGET reasoning-workbench)
  # The exe's own icon (Explorer, taskbar, the file association above).
  configure_file(${CMAKE_CURRENT_LIST_DIR}/app_icon.rc.in ${CMAKE_CURRENT_BINARY_DIR}/app_icon.rc @ONLY)
  target_sources(reasoning-workbench PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/app_icon.rc)

  get_target_property(_qmake Qt6::qmake IMPORTED_LOCATION)
  get_filename_component(_qt_bin "${_qmake}" DIRECTORY)
  find_program(RWB_WINDEPLOYQT windeployqt HINTS "${_qt_bin}" REQUIRED)
  install(CODE "
    execute_process(COMMAND \"${RWB_WINDEPLOYQT}\" --release --no-translations --no-system-d3d-compiler
      --no-opengl-sw --dir \"\${CMAKE_INSTALL_PREFIX}/${RWB_INSTALL_BINDIR}\"
      \"\${CMAKE_INSTALL_PREFIX}/${RWB_INSTALL_BINDIR}/$<TARGET_FILE_NAME:reasoning-workbench>\"
      COMMAND_ERROR_IS_FATAL ANY)
    file(GET_RUNTIME_DEPENDENCIES
      EXECUTABLES \"\${CMAKE_INSTALL_PREFIX}/${RWB_INSTALL_BINDIR}/$<TARGET_FILE_NAME:reasoning-workbench>\"
                  \"\${CMAKE_INSTALL_PREFIX}/${RWB_INSTALL_BINDIR}/$<TARGET_FILE_NAME:rwb>\"
      DIRECTORIES \"${_qt_bin}\" \"$ENV{VCPKG_ROOT}/installed/x64-windows/bin\"
      PRE_EXCLUDE_REGEXES \"api-ms-.*\" \"ext-ms-.*\"
      POST_EXCLUDE_REGEXES \".*[Ss]ystem32/.*\"
      RESOLVED_DEPENDENCIES_VAR _deps UNRESOLVED_DEPENDENCIES_VAR _missing)
    file(INSTALL \${_deps} DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${RWB_INSTALL_BINDIR}\")
    if(_missing)
      message(WARNING \"DLLs not found for the installer: \${_missing}\")
    endif()
  " COMPONENT main)
endif()

# CUDA runtime DLLs next to rwb_cuda.dll (the module links cudart statically; cuBLAS is a DLL).
# CUDA 13 keeps them in bin\x64, older toolkits in bin.
if(RWB_HAVE_CUDA)
  file(GLOB _cuda_dlls "${CUDAToolkit_BIN_DIR}/cublas64_*.dll" "${CUDAToolkit_BIN_DIR}/cublasLt64_*.dll"
    "${CUDAToolkit_BIN_DIR}/cudart64_*.dll" "${CUDAToolkit_BIN_DIR}/x64/cublas64_*.dll"
    "${CUDAToolkit_BIN_DIR}/x64/cublasLt64_*.dll" "${CUDAToolkit_BIN_DIR}/x64/cudart64_*.dll")
  install(FILES ${_cuda_dlls} DESTINATION ${RWB_INSTALL_MODULEDIR} COMPONENT cuda)
endif()
