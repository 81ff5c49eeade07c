# rwb_add_qtest(NAME SOURCES a.cpp ... [LIBS ...] [LABELS ...] [TIMEOUT s])
# One Qt Test executable per unit, registered with CTest; GUI tests run offscreen.
function(rwb_add_qtest name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${name} PRIVATE
    RWB_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    RWB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    RWB_BINARY_DIR="${PROJECT_BINARY_DIR}"
    RWB_CLI_PATH="$<TARGET_FILE:rwb>")
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  add_dependencies(${name} rwb)
  rwb_set_warnings(${name})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES
    LABELS "${T_LABELS}"
    TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_QUICK_BACKEND=software;LC_ALL=C.UTF-8")
endfunction()
