// harness.cpp — statistics, alternation, the accounting check, and the table and CSV output.
#include "harness.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

namespace bench {

Stats Stats::of(std::vector<double> values) {
    Stats s;
    if (values.empty()) return s;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    s.min = values.front();
    s.max = values.back();
    return s;
}

void Counts::add(const sluice::TaskStatus& final_status) {
    accepted += final_status.accepted;
    completed += final_status.completed;
    failed += final_status.failed;
}

std::string Row::verdict() const {
    const double r = ratio();
    switch (target.on) {
        case Target::On::none: return "";
        case Target::On::ratio_at_most: return r <= target.limit ? "met" : "MISSED";
        case Target::On::ratio_at_least: return r >= target.limit ? "met" : "MISSED";
        case Target::On::sluice_at_most: return sluice.median <= target.limit ? "met" : "MISSED";
    }
    return "";
}

void check_accounting(const sluice::TaskStatus& status, std::uint64_t expected,
                      const std::string& where) {
    if (!status.dead() || status.accepted != status.completed + status.failed ||
        (expected != 0 && status.accepted != expected))
        throw AccountingError(fmt::format(
            "{}: objects lost or miscounted: state {}, accepted {} (expected {}), completed {}, "
            "failed {}",
            where, sluice::to_string(status.state), status.accepted, expected, status.completed,
            status.failed));
}

Paired alternate(int reps, const std::function<double()>& run_sluice,
                 const std::function<double()>& run_baseline) {
    std::vector<std::vector<double>> values = rotate(reps, {run_sluice, run_baseline});
    return Paired{std::move(values[0]), std::move(values[1])};
}

std::vector<std::vector<double>> rotate(int reps,
                                        const std::vector<std::function<double()>>& sides) {
    const std::size_t n = sides.size();
    std::vector<std::vector<double>> values(n);
    // One untimed round of each first: thread pools, allocator arenas and caches warm up.
    for (const auto& side : sides) side();
    // Rotating the order keeps a drifting machine from favouring one side.
    for (int i = 0; i < reps; ++i)
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t side = (static_cast<std::size_t>(i) + k) % n;
            values[side].push_back(sides[side]());
        }
    return values;
}

namespace {

std::string number(double v) {
    if (v == 0) return "0";
    if (v >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
    if (v >= 1e4) return fmt::format("{:.0f}", v);
    if (v >= 100) return fmt::format("{:.1f}", v);
    return fmt::format("{:.3g}", v);
}

std::string spread(const Stats& s) {
    return fmt::format("{} [{}..{}]", number(s.median), number(s.min), number(s.max));
}

}  // namespace

double percentile(std::vector<double> values, double p) {
    if (values.empty()) return 0;
    auto k = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
}

void print_header() {
    fmt::print("{:<12} {:<19} {:<33} {:>28} {:>28} {:>6}  {}\n", "scenario", "case", "metric",
               "sluice median [min..max]", "baseline median [min..max]", "ratio", "target");
    std::fflush(stdout);
}

void print_row(const Row& row) {
    std::string target = row.target.on == Target::On::none
                             ? ""
                             : fmt::format("{} {}", row.target.text, row.verdict());
    fmt::print("{:<12} {:<19} {:<33} {:>28} {:>28} {:>6}  {}\n", row.scenario, row.name,
               fmt::format("{} ({})", row.metric, row.unit), spread(row.sluice),
               row.has_baseline ? spread(row.baseline) : "-",
               row.has_baseline ? fmt::format("{:.2f}", row.ratio()) : "-", target);
    std::fflush(stdout);
}

void write_csv(const std::string& path, const std::vector<Row>& rows) {
    std::ofstream out(path);
    if (!out) throw std::runtime_error(fmt::format("cannot write {}", path));
    out << "scenario,case,metric,unit,reps,sluice_median,sluice_min,sluice_max,baseline_median,"
           "baseline_min,baseline_max,ratio,target,verdict,accepted,completed,failed\n";
    for (const Row& r : rows) {
        out << fmt::format(
            "{},{},{},{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.4f},\"{}\",{},{},{},{}\n",
            r.scenario, r.name, r.metric, r.unit, r.reps, r.sluice.median, r.sluice.min,
            r.sluice.max, r.baseline.median, r.baseline.min, r.baseline.max,
            r.has_baseline ? r.ratio() : 0.0, r.target.text, r.verdict(), r.counts.accepted,
            r.counts.completed, r.counts.failed);
    }
}

}  // namespace bench
