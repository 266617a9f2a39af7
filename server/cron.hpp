// cron.hpp — a deployment's schedule as RocketRide takes it: "manual", an @-preset (@hourly,
// @daily, @midnight, @weekly, @monthly, @yearly, @annually) or a 5-field cron expression
// (minute hour day-of-month month day-of-week: `*`, values, ranges, lists, steps, month and
// weekday names), and the next minute at which it fires. Times are UTC.
#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::server {

class Schedule {
public:
    // The longest schedule text taken (a cron line is far shorter).
    static constexpr std::size_t k_max_text = 256;

    // Throws UsageError "Invalid schedule 'x'. Expected "manual", a cron preset (@hourly etc.),
    // or a 5-field cron expression (<what is wrong>)" — RocketRide's text plus the reason.
    // A well-formed expression that can never fire ("0 0 30 2 *") is refused too.
    static Schedule parse(std::string_view text);

    const std::string& text() const noexcept { return text_; }
    bool manual() const noexcept { return manual_; }
    // The first whole minute strictly after `after` at which the schedule fires; nullopt for
    // "manual". Looks at most 9 years ahead (a leap day on a given weekday recurs within 28,
    // but parse() refuses a schedule that does not fire within 9 years of 2000).
    std::optional<std::chrono::sys_seconds> next_after(std::chrono::sys_seconds after) const;

private:
    bool day_matches(std::chrono::sys_days day) const;

    std::string text_;
    bool manual_ = true;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;     // 1..31
    std::bitset<13> months_;   // 1..12
    std::bitset<7> weekdays_;  // 0 = Sunday
    // Vixie cron: when both day fields are restricted a day matching either fires; a field
    // written starting with `*` leaves the other one alone in charge.
    bool days_star_ = true, weekdays_star_ = true;
};

}  // namespace sluice::server
