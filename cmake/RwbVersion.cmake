# Version, build date and git commit, compiled into the engine (rwb --version, About box).
string(TIMESTAMP RWB_BUILD_DATE "%Y-%m-%d" UTC)
set(RWB_GIT_COMMIT "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR} OUTPUT_VARIABLE _rwb_commit
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rwb_git_rc)
  if(_rwb_git_rc EQUAL 0 AND _rwb_commit)
    set(RWB_GIT_COMMIT "${_rwb_commit}")
  endif()
endif()
