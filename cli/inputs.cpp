// inputs.cpp — opening and checking input files before a task starts.
#include "inputs.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <sluice/errors.hpp>

#include "input_reader.hpp"
#include "interrupt.hpp"

namespace sluice::cli {

std::string cannot_read(std::string_view path, int err) {
    return fmt::format("cannot read {}: {}", path, std::strerror(err));
}

int open_input(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat info {};
    if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
        ::close(fd);
        errno = EISDIR;
        return -1;
    }
    return fd;
}

std::vector<std::string> unreadable_inputs(const std::vector<std::string>& inputs) {
    std::vector<std::string> problems;
    for (const std::string& path : inputs) {
        if (path == "-") continue;
        int fd = open_input(path);
        if (fd < 0)
            problems.push_back(cannot_read(path, errno));
        else
            ::close(fd);
    }
    return problems;
}

std::string read_file(const std::string& path) {
    int fd = open_input(path);
    if (fd < 0) throw UsageError(cannot_read(path, errno));
    Interrupt never;  // a pipeline file is read before any signal handling starts
    std::string text;
    ReadStatus status = read_whole(fd, never, text);
    int err = errno;
    ::close(fd);
    if (status != ReadStatus::ok) throw UsageError(cannot_read(path, err));
    return text;
}

std::string base_name(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    std::size_t slash = path.find_last_of('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace sluice::cli
