# Warning flags applied per target through rwb_set_warnings(target).
function(rwb_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers>)
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W3)
  endif()
endfunction()
