// scale.hpp — the decorator for single-threaded scale tests (10 MB inputs, 100,000
// components): they check linear time and memory bounds, which ThreadSanitizer's slowdown only
// blurs, and they start no threads for it to check. Under TSan they skip themselves (about 90 s
// of its CI run); the release and ASan trees run them.
#pragma once

#include <doctest/doctest.h>

namespace sluice::test {

#if defined(__SANITIZE_THREAD__)
inline constexpr bool k_thread_sanitizer = true;
#else
inline constexpr bool k_thread_sanitizer = false;
#endif

// TEST_CASE("..." * scale_test())
inline doctest::skip scale_test() { return doctest::skip(k_thread_sanitizer); }

}  // namespace sluice::test
