// signals.cpp — the sigwait() thread behind SignalWatcher.
#include "signals.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#include <system_error>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

namespace sluice::cli {
namespace {

sigset_t watched_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    return set;
}

void write_stderr(const char* text) noexcept {
    [[maybe_unused]] ssize_t n = ::write(STDERR_FILENO, text, std::strlen(text));
}

}  // namespace

SignalWatcher::SignalWatcher(std::function<void(int)> on_first) : on_first_(std::move(on_first)) {
    sigset_t set = watched_signals();
    if (int rc = pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0)
        throw std::system_error(rc, std::generic_category(), "pthread_sigmask");
    thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() { stop(); }

void SignalWatcher::stop() {
    if (!thread_.joinable()) return;
    // release: the watcher that wakes on our own signal must see stopping_ set.
    stopping_.store(true, std::memory_order_release);
    // A thread-directed SIGTERM wakes sigwaitinfo(); the watcher tells it from a real one.
    pthread_kill(thread_.native_handle(), SIGTERM);
    thread_.join();
    // A signal that arrived after the watcher left is still pending (blocked): it counts.
    const sigset_t set = watched_signals();
    const timespec no_wait{0, 0};
    siginfo_t info;
    for (int signal; (signal = sigtimedwait(&set, &info, &no_wait)) > 0;) take(signal);
}

void SignalWatcher::watch() {
    const sigset_t set = watched_signals();
    for (;;) {
        siginfo_t info;
        int signal = sigwaitinfo(&set, &info);
        if (signal < 0) continue;  // EINTR
        // Only stop() sends these signals from inside the process (si_code may be SI_USER or
        // SI_TKILL depending on the kernel, so the sender's pid is what tells them apart).
        const bool own_wakeup = info.si_pid == ::getpid();
        if (own_wakeup && stopping_.load(std::memory_order_acquire)) return;
        if (!own_wakeup) take(signal);
    }
}

void SignalWatcher::take(int signal) {
    if (first_seen_) {
        write_stderr("sluice: second signal; exiting without waiting for the drain\n");
        ::_exit(128 + signal);
    }
    first_seen_ = true;
    // On a terminal the progress line is open: start a fresh line first.
    if (::isatty(STDERR_FILENO)) write_stderr("\n");
    write_stderr(signal == SIGINT
                     ? "sluice: interrupted; finishing accepted objects (again to quit)\n"
                     : "sluice: terminated; finishing accepted objects (again to quit)\n");
    try {
        on_first_(signal);
    } catch (const std::exception& e) {
        // Never let an exception end this thread (std::terminate); report and go on.
        write_stderr("sluice: while stopping: ");
        write_stderr(e.what());
        write_stderr("\n");
    }
}

}  // namespace sluice::cli
