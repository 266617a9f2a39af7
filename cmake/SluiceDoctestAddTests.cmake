# Run with cmake -P after a test binary is built (see SluiceDoctest.cmake): writes OUT, a CTest
# script with one add_test per doctest case of EXE.
#   EXE, OUT, LABEL, TIMEOUT, STRESS_TIMEOUT, WORKDIR; EXTRA_ARGS '|'-separated.
cmake_minimum_required(VERSION 3.25)

string(REPLACE "|" ";" extra_args "${EXTRA_ARGS}")

# list_cases(<out var> <doctest filter>) — the case names EXE lists under that filter, one per
# element. Names may hold ';', '[' and ']', which a CMake list would split or group on: they are
# swapped for placeholders while the listing is split into lines, then put back.
function(list_cases out filter)
  execute_process(COMMAND "${EXE}" --list-test-cases "${filter}" --no-intro=true
                  OUTPUT_VARIABLE text RESULT_VARIABLE rc ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${EXE} --list-test-cases ${filter}: exited with ${rc}: ${err}\n"
                        "hint: run it by hand; the binary must start without arguments")
  endif()
  string(REPLACE ";" "@SC@" text "${text}")
  string(REPLACE "[" "@LB@" text "${text}")
  string(REPLACE "]" "@RB@" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(names "")
  foreach(line IN LISTS lines)
    if(line STREQUAL "" OR line MATCHES "^@LB@doctest@RB@" OR line MATCHES "^=+$")
      continue()
    endif()
    list(APPEND names "${line}")
  endforeach()
  set(${out} "${names}" PARENT_SCOPE)
endfunction()

# The doctest filter for exactly this name: ',' separates filters, so it is escaped.
function(filter_for out name)
  string(REPLACE "," "\\," escaped "${name}")
  set(${out} "--test-case=${escaped}" PARENT_SCOPE)
endfunction()

function(restore out placeholder_name)
  string(REPLACE "@SC@" ";" name "${placeholder_name}")
  string(REPLACE "@LB@" "[" name "${name}")
  string(REPLACE "@RB@" "]" name "${name}")
  set(${out} "${name}" PARENT_SCOPE)
endfunction()

set(script "")
set(seen "")
foreach(kind IN ITEMS unit stress)
  if(kind STREQUAL "stress")
    list_cases(cases "--test-suite=stress")
    set(label stress)
    set(timeout ${STRESS_TIMEOUT})
    set(cost 400)  # long: started first in a fresh tree, beside the short cases
  else()
    list_cases(cases "--test-suite-exclude=stress")
    set(label ${LABEL})
    set(timeout ${TIMEOUT})
    set(cost 0)
  endif()
  foreach(placeholder_name IN LISTS cases)
    if(placeholder_name IN_LIST seen)
      restore(name "${placeholder_name}")
      message(FATAL_ERROR "${EXE}: two test cases are named \"${name}\"; ctest runs each case "
                          "by its name: rename one")
    endif()
    list(APPEND seen "${placeholder_name}")
    restore(name "${placeholder_name}")
    if(name MATCHES "[*?]")
      message(FATAL_ERROR "${EXE}: test case \"${name}\": '*' and '?' are doctest wildcards, "
                          "so ctest could not run this case alone: reword it")
    endif()
    filter_for(filter "${name}")
    set(args "")
    foreach(a IN LISTS extra_args)
      string(APPEND args " [==[${a}]==]")
    endforeach()
    string(APPEND script "add_test([==[${name}]==] [==[${EXE}]==] [==[${filter}]==] --case-sensitive=true${args})\n"
           "set_tests_properties([==[${name}]==] PROPERTIES LABELS ${label} TIMEOUT ${timeout} COST ${cost} "
           "WORKING_DIRECTORY [==[${WORKDIR}]==])\n")
  endforeach()
endforeach()
file(WRITE "${OUT}" "${script}")
