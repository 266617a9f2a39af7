# Warnings and sanitizers as INTERFACE targets: they apply to sluice's own targets only, never
# leak into an embedder's build.
include_guard(GLOBAL)
include(GNUInstallDirs)

add_library(sluice_warnings INTERFACE)
# -Wno-missing-field-initializers: option structs are filled with designated initializers
# (UseOptions{.ttl = 1}); GCC 12 warns for every member left to its default (GCC bug 96868).
target_compile_options(sluice_warnings INTERFACE
  $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                 -Wno-missing-field-initializers>)

# Precompiled headers: the heavy headers most files of a target include (the standard library,
# fmt, oneTBB's flow graph, doctest, Boost.Beast), parsed once per target instead of once per
# file. Measured on tests/engine/test_terminate.cpp: 40% of its compile time was parsing.
# Off compiles each file on its own, as an embedder's toolchain may need (and ccache caches a
# PCH build only with CCACHE_SLOPPINESS=pch_defines,time_macros).
option(SLUICE_PCH "Precompile the common headers of sluice's own targets" ON)
function(sluice_precompile target)
  if(SLUICE_PCH)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()

add_library(sluice_sanitize INTERFACE)
if(SLUICE_SANITIZE STREQUAL "thread")
  target_compile_options(sluice_sanitize INTERFACE -fsanitize=thread -fno-omit-frame-pointer)
  target_link_options(sluice_sanitize INTERFACE -fsanitize=thread)
elseif(SLUICE_SANITIZE STREQUAL "address")
  # -fno-sanitize=vptr: oneTBB 2021.8's graph_task::destruct_and_deallocate
  # (detail/_flow_graph_impl.h:368) static_casts `this` after running its destructor; UBSan's
  # vptr check reports that on every flow-graph task. Every other UB check stays on.
  target_compile_options(sluice_sanitize INTERFACE -fsanitize=address,undefined
                         -fno-sanitize=vptr -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(sluice_sanitize INTERFACE -fsanitize=address,undefined -fno-sanitize=vptr)
elseif(NOT SLUICE_SANITIZE STREQUAL "")
  message(FATAL_ERROR "SLUICE_SANITIZE must be empty, 'thread' or 'address' (got '${SLUICE_SANITIZE}')")
endif()
