// alloc.hpp — where the engine allocates its per-object blocks (object state, promise state):
// oneTBB's scalable allocator when the build has it (per-thread heaps: an object is allocated
// by its sender and freed by a worker, which glibc malloc serves through a locked arena), else
// std::allocator (sanitizer builds: the TSan-instrumented oneTBB has no tbbmalloc, and ASan
// only checks blocks it allocates itself).
#pragma once

#include <cstddef>
#include <memory>
#include <new>

#if SLUICE_SCALABLE_ALLOC
#include <oneapi/tbb/scalable_allocator.h>
#endif

namespace sluice::detail {

#if SLUICE_SCALABLE_ALLOC
template <class T>
using EngineAllocator = tbb::scalable_allocator<T>;

inline void* engine_allocate(std::size_t size) {
    if (void* p = scalable_malloc(size)) return p;
    throw std::bad_alloc();
}
inline void engine_deallocate(void* p) noexcept { scalable_free(p); }
#else
template <class T>
using EngineAllocator = std::allocator<T>;

inline void* engine_allocate(std::size_t size) { return ::operator new(size); }
inline void engine_deallocate(void* p) noexcept { ::operator delete(p); }
#endif

}  // namespace sluice::detail
