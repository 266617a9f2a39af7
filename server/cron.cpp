// cron.cpp — parsing schedules and finding their next minute. No recursion, bounded loops: a
// field holds at most 60 values and the search for the next minute looks at most 9 years ahead.
#include "cron.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::server {
namespace {

using namespace std::chrono;

constexpr int k_search_days = 366 * 9 + 1;

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_presets{{
    {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
    {"@monthly", "0 0 1 * *"},
    {"@weekly", "0 0 * * 0"},
    {"@daily", "0 0 * * *"},
    {"@midnight", "0 0 * * *"},
    {"@hourly", "0 * * * *"},
}};

constexpr std::array<std::string_view, 12> k_month_names{"jan", "feb", "mar", "apr", "may", "jun",
                                                         "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<std::string_view, 7> k_day_names{"sun", "mon", "tue", "wed",
                                                      "thu", "fri", "sat"};

struct Field {
    int number;  // 1-based, for messages
    std::string_view name;
    int low, high;
    const std::string_view* names = nullptr;  // three-letter names, the first worth `name_base`
    int name_count = 0, name_base = 0;
    bool question_mark = false;  // `?` accepted as `*` (the day fields, as croniter does)
};

constexpr Field k_fields[] = {
    {1, "minute", 0, 59},
    {2, "hour", 0, 23},
    {3, "day of month", 1, 31, nullptr, 0, 0, true},
    {4, "month", 1, 12, k_month_names.data(), 12, 1},
    {5, "day of week", 0, 7, k_day_names.data(), 7, 0, true},  // 7 is Sunday too
};

// Thrown inside parsing; parse() turns it into the full message.
struct Bad {
    std::string detail;
};

[[noreturn]] void bad(const Field& f, std::string detail) {
    throw Bad{fmt::format("field {} ({}): {}", f.number, f.name, detail)};
}

int value(std::string_view token, const Field& f) {
    if (token.size() == 3 && f.names) {
        std::string lower;
        for (char c : token)
            lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        for (int i = 0; i < f.name_count; ++i)
            if (f.names[i] == lower) return f.name_base + i;
    }
    int v = 0;
    bool digits = !token.empty() && token.size() <= 2;
    for (char c : token) {
        if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
        v = v * 10 + (c - '0');
    }
    if (!digits)
        bad(f, f.names ? fmt::format("\"{}\" is neither a number nor a name ({}-{})", token,
                                     f.names[0], f.names[f.name_count - 1])
                       : fmt::format("\"{}\" is not a number", token));
    if (v < f.low || v > f.high) bad(f, fmt::format("{} is out of {}-{}", v, f.low, f.high));
    return v;
}

// One comma-separated item: `*`, `a`, `a-b`, each optionally `/step` (`a/step` = a to the end).
void parse_item(std::string_view item, const Field& f, std::bitset<64>& bits) {
    if (item.empty()) bad(f, "an empty list item (two commas, or a comma at an end)");
    int step = 1;
    std::string_view base = item;
    if (std::size_t slash = item.find('/'); slash != std::string_view::npos) {
        base = item.substr(0, slash);
        std::string_view s = item.substr(slash + 1);
        const int span = f.high - f.low + 1;
        bool digits = !s.empty() && s.size() <= 2;
        step = 0;
        for (char c : s) {
            if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
            step = step * 10 + (c - '0');
        }
        if (!digits || step < 1 || step > span)
            bad(f, fmt::format("step \"{}\" must be a number from 1 to {}", s, span));
    }
    int lo = f.low, hi = f.high;
    if (base == "*" || (f.question_mark && base == "?")) {
        // the whole range
    } else if (std::size_t dash = base.find('-'); dash != std::string_view::npos) {
        lo = value(base.substr(0, dash), f);
        hi = value(base.substr(dash + 1), f);
        if (lo > hi) bad(f, fmt::format("range {} runs backwards", base));
    } else {
        lo = value(base, f);
        if (step == 1) hi = lo;  // `a/step` runs to the end of the range
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(v));
}

std::bitset<64> parse_field(std::string_view text, const Field& f) {
    std::bitset<64> bits;
    for (std::size_t start = 0;;) {
        const std::size_t comma = text.find(',', start);
        parse_item(text.substr(start, comma - start), f, bits);
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return bits;
}

template <std::size_t N>
std::bitset<N> narrowed(const std::bitset<64>& bits) {
    std::bitset<N> out;
    for (std::size_t i = 0; i < N; ++i) out[i] = bits[i];
    return out;
}

std::string shown(std::string_view text) {
    return text.size() <= 64 ? std::string(text) : fmt::format("{}...", text.substr(0, 64));
}

}  // namespace

Schedule Schedule::parse(std::string_view text) {
    Schedule s;
    s.text_ = std::string(text.substr(0, k_max_text));
    if (text == "manual") return s;
    try {
        if (text.size() > k_max_text)
            throw Bad{fmt::format("longer than {} characters", k_max_text)};
        std::string_view expression = text;
        for (auto [preset, meaning] : k_presets)
            if (text == preset) expression = meaning;
        if (expression.starts_with('@'))
            throw Bad{
                "unknown preset; known: @hourly, @daily, @midnight, @weekly, @monthly, "
                "@yearly, @annually"};
        std::array<std::string_view, 5> parts;
        std::size_t count = 0;
        for (std::size_t i = 0; i < expression.size();) {
            if (std::isspace(static_cast<unsigned char>(expression[i]))) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < expression.size() &&
                   !std::isspace(static_cast<unsigned char>(expression[end])))
                ++end;
            if (count < parts.size()) parts[count] = expression.substr(i, end - i);
            ++count;
            i = end;
        }
        if (count != 5)
            throw Bad{
                fmt::format("5 fields expected (minute hour day-of-month month "
                            "day-of-week), got {}",
                            count)};
        s.manual_ = false;
        s.minutes_ = narrowed<60>(parse_field(parts[0], k_fields[0]));
        s.hours_ = narrowed<24>(parse_field(parts[1], k_fields[1]));
        s.days_ = narrowed<32>(parse_field(parts[2], k_fields[2]));
        s.months_ = narrowed<13>(parse_field(parts[3], k_fields[3]));
        std::bitset<64> weekdays = parse_field(parts[4], k_fields[4]);
        weekdays[0] = weekdays[0] || weekdays[7];
        s.weekdays_ = narrowed<7>(weekdays);
        s.days_star_ = parts[2].starts_with('*') || parts[2].starts_with('?');
        s.weekdays_star_ = parts[4].starts_with('*') || parts[4].starts_with('?');
        if (!s.next_after(sys_days(year(2000) / January / 1) - seconds(1)))
            throw Bad{"it never fires: no month given has that day"};
    } catch (const Bad& b) {
        throw UsageError(fmt::format(
            "Invalid schedule '{}'. Expected \"manual\", a cron preset (@hourly etc.), or a "
            "5-field cron expression ({})",
            shown(text), b.detail));
    }
    return s;
}

bool Schedule::day_matches(sys_days day) const {
    const year_month_day ymd(day);
    if (!months_[static_cast<unsigned>(ymd.month())]) return false;
    const bool dom = days_[static_cast<unsigned>(ymd.day())];
    const bool dow = weekdays_[weekday(day).c_encoding()];
    return days_star_ || weekdays_star_ ? dom && dow : dom || dow;
}

std::optional<sys_seconds> Schedule::next_after(sys_seconds after) const {
    if (manual_) return std::nullopt;
    const sys_time<minutes> start = floor<minutes>(after) + minutes(1);
    sys_days day = floor<days>(start);
    const minutes into_day = start - day;
    int first_hour = static_cast<int>(into_day.count() / 60);
    int first_minute = static_cast<int>(into_day.count() % 60);
    for (int i = 0; i < k_search_days; ++i, day += days(1), first_hour = 0, first_minute = 0) {
        if (!day_matches(day)) continue;
        for (int h = first_hour; h < 24; ++h) {
            if (!hours_[static_cast<std::size_t>(h)]) continue;
            for (int m = h == first_hour ? first_minute : 0; m < 60; ++m)
                if (minutes_[static_cast<std::size_t>(m)]) return day + hours(h) + minutes(m);
        }
    }
    return std::nullopt;
}

}  // namespace sluice::server
