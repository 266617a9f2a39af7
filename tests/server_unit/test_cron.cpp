// Deployment schedules: what parses (RocketRide's "manual", presets, 5-field cron), what is
// refused with which message, and the next minute each one fires (UTC).
#include <chrono>
#include <string>

#include <doctest/doctest.h>

#include <sluice/errors.hpp>

#include "cron.hpp"

using namespace sluice;
using namespace sluice::server;
using namespace std::chrono;

namespace {

// "2026-11-29 20:51" (UTC) as sys_seconds.
sys_seconds at(int y, unsigned mo, unsigned d, int h, int mi) {
    return sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi);
}

std::string refusal(std::string_view text) {
    try {
        Schedule::parse(text);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "accepted";
}

}  // namespace

TEST_SUITE("server") {
    TEST_CASE("manual never fires, and every preset is a cron line") {
        CHECK(Schedule::parse("manual").manual());
        CHECK_FALSE(Schedule::parse("manual").next_after(at(2026, 1, 1, 0, 0)));
        const sys_seconds from = at(2026, 11, 29, 20, 51);  // a Sunday
        struct Case {
            const char* preset;
            sys_seconds next;
        } cases[] = {
            {"@hourly", at(2026, 11, 29, 21, 0)},  {"@daily", at(2026, 11, 30, 0, 0)},
            {"@midnight", at(2026, 11, 30, 0, 0)}, {"@weekly", at(2026, 12, 6, 0, 0)},
            {"@monthly", at(2026, 12, 1, 0, 0)},   {"@yearly", at(2027, 1, 1, 0, 0)},
            {"@annually", at(2027, 1, 1, 0, 0)},
        };
        for (const Case& c : cases) {
            INFO(c.preset);
            Schedule s = Schedule::parse(c.preset);
            CHECK_FALSE(s.manual());
            CHECK(s.text() == c.preset);
            CHECK(s.next_after(from) == c.next);
        }
    }

    TEST_CASE("the next minute of a cron line, from a table of cases") {
        struct Case {
            const char* line;
            sys_seconds from, next;
        } cases[] = {
            {"* * * * *", at(2026, 11, 29, 20, 51), at(2026, 11, 29, 20, 52)},
            {"*/15 * * * *", at(2026, 11, 29, 20, 51), at(2026, 11, 29, 21, 0)},
            {"*/15 * * * *", at(2026, 11, 29, 20, 44), at(2026, 11, 29, 20, 45)},
            {"5,35 * * * *", at(2026, 11, 29, 20, 5), at(2026, 11, 29, 20, 35)},
            {"10-12 3 * * *", at(2026, 11, 29, 3, 12), at(2026, 11, 30, 3, 10)},
            {"0 9-17/4 * * *", at(2026, 11, 29, 9, 0), at(2026, 11, 29, 13, 0)},
            {"30 2 1 * *", at(2026, 11, 29, 0, 0), at(2026, 12, 1, 2, 30)},
            {"0 0 * * mon-fri", at(2026, 11, 28, 12, 0), at(2026, 11, 30, 0, 0)},  // Sat -> Mon
            {"0 0 * * 7", at(2026, 11, 28, 12, 0), at(2026, 11, 29, 0, 0)},        // 7 is Sunday
            {"0 12 * JAN,jul *", at(2026, 11, 29, 0, 0), at(2027, 1, 1, 12, 0)},
            {"0 0 29 2 *", at(2026, 3, 1, 0, 0), at(2028, 2, 29, 0, 0)},  // the next leap day
            // Both day fields restricted: a day matching either fires (Vixie cron, croniter).
            {"0 0 13 * fri", at(2026, 11, 1, 0, 0), at(2026, 11, 6, 0, 0)},
            // A day field starting with `*` leaves the other in charge.
            {"0 0 */2 * mon", at(2026, 11, 29, 0, 0), at(2026, 12, 7, 0, 0)},  // odd days
            {"0 0 ? * 1", at(2026, 11, 29, 0, 0), at(2026, 11, 30, 0, 0)},
            {"59 23 31 12 *", at(2026, 12, 31, 23, 59), at(2027, 12, 31, 23, 59)},
            {"  0   1  *  *  *  ", at(2026, 11, 29, 0, 0), at(2026, 11, 29, 1, 0)},
            {"7/20 * * * *", at(2026, 11, 29, 20, 28), at(2026, 11, 29, 20, 47)},
        };
        for (const Case& c : cases) {
            INFO(c.line);
            CHECK(Schedule::parse(c.line).next_after(c.from) == c.next);
        }
    }

    TEST_CASE("seconds inside a minute never make it fire twice in that minute") {
        Schedule s = Schedule::parse("* * * * *");
        CHECK(s.next_after(at(2026, 1, 1, 0, 0) + seconds(59)) == at(2026, 1, 1, 0, 1));
    }

    TEST_CASE("an invalid schedule is refused with RocketRide's text, naming it and the reason") {
        const std::string expected_start = "Invalid schedule '";
        const std::string rocketride =
            "'. Expected \"manual\", a cron preset (@hourly etc.), or a 5-field cron expression (";
        struct Case {
            const char* text;
            const char* reason;
        } cases[] = {
            {"", "5 fields expected (minute hour day-of-month month day-of-week), got 0"},
            {"every day", "5 fields expected (minute hour day-of-month month day-of-week), got 2"},
            {"* * * * * *",
             "5 fields expected (minute hour day-of-month month day-of-week), got 6"},
            {"@reboot",
             "unknown preset; known: @hourly, @daily, @midnight, @weekly, @monthly, "
             "@yearly, @annually"},
            {"Manual", "5 fields expected (minute hour day-of-month month day-of-week), got 1"},
            {"60 * * * *", "field 1 (minute): 60 is out of 0-59"},
            {"* 24 * * *", "field 2 (hour): 24 is out of 0-23"},
            {"* * 0 * *", "field 3 (day of month): 0 is out of 1-31"},
            {"* * * 13 *", "field 4 (month): 13 is out of 1-12"},
            {"* * * * 8", "field 5 (day of week): 8 is out of 0-7"},
            {"* * * foo *", "field 4 (month): \"foo\" is neither a number nor a name (jan-dec)"},
            {"x * * * *", "field 1 (minute): \"x\" is not a number"},
            {"5-1 * * * *", "field 1 (minute): range 5-1 runs backwards"},
            {"*/0 * * * *", "field 1 (minute): step \"0\" must be a number from 1 to 60"},
            {"*/ * * * *", "field 1 (minute): step \"\" must be a number from 1 to 60"},
            {"1,,2 * * * *",
             "field 1 (minute): an empty list item (two commas, or a comma at an end)"},
            {"? * * * *", "field 1 (minute): \"?\" is not a number"},
            {"0 0 30 2 *", "it never fires: no month given has that day"},
        };
        for (const Case& c : cases) {
            INFO(c.text);
            CHECK(refusal(c.text) == expected_start + c.text + rocketride + c.reason + ")");
        }
    }

    TEST_CASE("a schedule longer than the limit is refused, its text shortened in the message") {
        const std::string long_text(Schedule::k_max_text + 1, '1');
        const std::string message = refusal(long_text);
        CHECK(message.starts_with("Invalid schedule '" + std::string(64, '1') + "...'."));
        CHECK(message.ends_with("(longer than 256 characters)"));
    }

}  // TEST_SUITE
