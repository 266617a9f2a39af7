// harness.hpp — what every scenario shares: alternating sluice/baseline repetitions, the
// statistics of a row, the run options, and the accounting check that fails loudly.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sluice/status.hpp>

namespace bench {

struct Options {
    bool quick = false;
    int reps = 7;                   // repetitions per side (alternating)
    unsigned cores = 2;             // hardware threads
    std::string csv_path;           // empty: no CSV
    std::vector<std::string> only;  // scenario names to run; empty = all
    std::string self_path;          // this executable, for the memory probes
};

// Median and spread of one side's repetitions.
struct Stats {
    double median = 0, min = 0, max = 0;
    static Stats of(std::vector<double> values);
};

// Objects sent and how they ended, summed over every sluice run of a row.
struct Counts {
    std::uint64_t accepted = 0, completed = 0, failed = 0;
    void add(const sluice::TaskStatus& final_status);
};

// Whether a target holds for a row: `limit` compared with the ratio or the sluice median.
struct Target {
    enum class On { none, ratio_at_most, ratio_at_least, sluice_at_most };
    On on = On::none;
    double limit = 0;
    std::string text;  // "<= 1.15x", "< 1 ms", ...
};

struct Row {
    std::string scenario;  // "1_chain"
    std::string name;      // the case: "threads=2", "K=10000", ...
    std::string metric;    // "ns_per_item", "items_per_s", ...
    std::string unit;
    int reps = 0;
    Stats sluice, baseline;
    bool has_baseline = true;
    Target target;
    Counts counts;
    double ratio() const { return baseline.median > 0 ? sluice.median / baseline.median : 0; }
    // "met", "MISSED", or "" when the row has no target.
    std::string verdict() const;
};

// A benchmark that lost or double-counted objects: the run aborts with this message.
class AccountingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws AccountingError unless the task is dead with accepted == completed + failed and
// accepted == `expected` (when expected is non-zero).
void check_accounting(const sluice::TaskStatus& status, std::uint64_t expected,
                      const std::string& where);

// Runs `reps` rounds of both sides, alternating which goes first, and returns their values.
struct Paired {
    std::vector<double> sluice, baseline;
};
Paired alternate(int reps, const std::function<double()>& run_sluice,
                 const std::function<double()>& run_baseline);

// The same for any number of sides: one untimed round of each, then `reps` rounds with the
// first side rotating (round i starts at side i mod n). Returns each side's values, in order.
std::vector<std::vector<double>> rotate(int reps,
                                        const std::vector<std::function<double()>>& sides);

using Clock = std::chrono::steady_clock;
inline double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The p-th percentile (0..100) of `values`.
double percentile(std::vector<double> values, double p);

void print_header();
void print_row(const Row& row);  // as soon as a row is measured, so a long run shows progress
void write_csv(const std::string& path, const std::vector<Row>& rows);

}  // namespace bench
