// sluice_side.hpp — how every scenario drives the sluice side: send a batch and wait for its
// results, then terminate the task and check that every object is accounted for.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <sluice/engine.hpp>

#include "harness.hpp"

namespace bench {

// send_async `n` copies of `text` to `token` and waits for every result; the seconds from the
// first send to the last result; `send_seconds`, when given, gets the time the send calls
// alone took. Throws AccountingError when a result carries an error.
double send_and_wait(sluice::Engine& engine, const sluice::Token& token, std::size_t n,
                     std::string_view text, double* send_seconds = nullptr);

// Terminates the task, waits for its drain and checks accepted == completed + failed ==
// `expected`; adds its final counts to `counts`.
void finish_task(sluice::Engine& engine, const sluice::Token& token, std::size_t expected,
                 const std::string& where, Counts& counts);

}  // namespace bench
