// bench_rss.cpp — peak RSS from /proc, with getrusage as the fallback.
#include "bench_rss.hpp"

#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace sluice::cli {

bool reset_peak_rss() noexcept {
    int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, "5", 1) == 1;  // 5: reset the peak RSS to the current RSS
    ::close(fd);
    return ok;
}

std::uint64_t peak_rss_bytes() noexcept {
    if (std::FILE* f = std::fopen("/proc/self/status", "re")) {
        char line[256];
        unsigned long long kib = 0;
        bool found = false;
        while (!found && std::fgets(line, sizeof line, f))
            found = std::sscanf(line, "VmHWM: %llu kB", &kib) == 1;
        std::fclose(f);
        if (found) return static_cast<std::uint64_t>(kib) * 1024;
    }
    struct rusage usage {};
    if (::getrusage(RUSAGE_SELF, &usage) == 0)
        return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
    return 0;
}

}  // namespace sluice::cli
