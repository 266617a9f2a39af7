# sluice_discover_doctests(TARGET LABEL <label> TIMEOUT <s> [STRESS_TIMEOUT <s>] [EXTRA_ARGS ...])
#
# One CTest test per doctest test case of TARGET, named as the case, so `ctest` lists every case
# and a red run names the case. The list is read from `TARGET --list-test-cases` after each
# build (cmake/SluiceDoctestAddTests.cmake), not at configure time, so adding a case needs no
# re-configure. Cases of the doctest suite "stress" get the label `stress` (and STRESS_TIMEOUT),
# the others LABEL: `ctest -LE stress` is the quick run.
#
# Not doctest's own doctest_discover_tests: its script splits the listing as a CMake list, so a
# case name holding ';' (several of ours do) becomes two bogus tests, and its ADD_LABELS starts
# the test binary once per case at build time to learn the suites.
include_guard(GLOBAL)

set(_sluice_doctest_script ${CMAKE_CURRENT_LIST_DIR}/SluiceDoctestAddTests.cmake)

function(sluice_discover_doctests target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "LABEL;TIMEOUT;STRESS_TIMEOUT" "EXTRA_ARGS")
  if(NOT arg_STRESS_TIMEOUT)
    set(arg_STRESS_TIMEOUT ${arg_TIMEOUT})
  endif()
  set(tests_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_cases.cmake")
  set(include_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_include.cmake")
  # The extra arguments travel as one '|'-separated string: a -D value cannot hold a list.
  list(JOIN arg_EXTRA_ARGS "|" extra)
  add_custom_command(
    TARGET ${target} POST_BUILD
    BYPRODUCTS "${tests_file}"
    COMMAND "${CMAKE_COMMAND}" -D "EXE=$<TARGET_FILE:${target}>" -D "OUT=${tests_file}"
            -D "LABEL=${arg_LABEL}" -D "TIMEOUT=${arg_TIMEOUT}"
            -D "STRESS_TIMEOUT=${arg_STRESS_TIMEOUT}" -D "EXTRA_ARGS=${extra}"
            -D "WORKDIR=${CMAKE_CURRENT_BINARY_DIR}" -P "${_sluice_doctest_script}"
    COMMENT "Listing the doctest cases of ${target} for ctest"
    VERBATIM)
  # Before the first build there is no list yet: say so as a failing test rather than nothing.
  file(WRITE "${include_file}"
       "if(EXISTS \"${tests_file}\")\n"
       "  include(\"${tests_file}\")\n"
       "else()\n"
       "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${include_file}")
endfunction()
