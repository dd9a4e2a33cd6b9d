# How the test code itself is compiled (CI time, issue 26). The code under
# test is built as shipped (Release, -O3, in its own libraries); the test
# drivers, fixtures and support libraries are compiled at -O1 and link CAF's
# test engine compiled once (tests/support). Measured on one test translation
# unit: -O3 spent two thirds of its time optimising code that runs once, and
# including caf/test/unit_test_impl.hpp in every test cost about four seconds
# each. A precompiled header of CAF, Beast and asio saved under 10% more and
# was dropped (a 350 MB file, and ccache cannot cache its users).

# Every compiled target under `dir`, recursively.
function(cwts_compiled_targets dir out)
  set(found)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE" OR type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "OBJECT_LIBRARY")
      list(APPEND found ${t})
    endif()
  endforeach()
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(d ${subdirs})
    cwts_compiled_targets(${d} below)
    list(APPEND found ${below})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

function(cwts_apply_test_settings dir)
  cwts_compiled_targets(${dir} targets)
  add_library(cwts_caf_test_engine STATIC ${PROJECT_SOURCE_DIR}/tests/support/caf_test_engine.cpp
                                          ${PROJECT_SOURCE_DIR}/tests/support/caf_test_main.cpp)
  target_link_libraries(cwts_caf_test_engine PUBLIC caf::core)
  cwts_warnings(cwts_caf_test_engine)
  foreach(t cwts_caf_test_engine ${targets})
    # After CMAKE_CXX_FLAGS_RELEASE's -O3: the last -O wins. A Debug or
    # sanitizer build keeps its own level.
    target_compile_options(${t} PRIVATE $<$<CONFIG:Release,RelWithDebInfo,MinSizeRel>:-O1>)
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "EXECUTABLE")
      # A binary with its own main never pulls caf_test_main.cpp's object.
      target_link_libraries(${t} PRIVATE cwts_caf_test_engine)
    endif()
  endforeach()
endfunction()
