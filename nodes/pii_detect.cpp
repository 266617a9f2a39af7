// pii_detect.cpp — the built-in PII kinds: a candidate pattern and a validator each.
#include "pii_detect.hpp"

#include <algorithm>
#include <cctype>
#include <functional>

#include <arpa/inet.h>
#include <fmt/format.h>

#include "cancel.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

bool is_word_byte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string digits_of(std::string_view s) {
    std::string d;
    for (char c : s)
        if (std::isdigit(static_cast<unsigned char>(c))) d += c;
    return d;
}

bool ssn_valid(std::string_view s) {
    const std::string d = digits_of(s);
    if (d.size() != 9) return false;
    const std::string_view area(d.data(), 3), group(d.data() + 3, 2), serial(d.data() + 5, 4);
    return area != "000" && area != "666" && area[0] != '9' && group != "00" && serial != "0000";
}

bool ipv6_valid(std::string_view s) {
    if (s.size() > 45 || std::none_of(s.begin(), s.end(), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c));
        }))
        return false;
    unsigned char buf[16];
    return inet_pton(AF_INET6, std::string(s).c_str(), buf) == 1;
}

bool phone_valid(std::string_view s) {
    const std::size_t n = digits_of(s).size();
    return n >= 7 && n <= 15;
}

// IBAN candidates may run into following capitalised words: try shorter ends (at group breaks).
std::size_t iban_end(std::string_view text, std::size_t start, std::size_t end) {
    for (std::size_t e = end; e > start + 14; --e) {
        if (e < end && text[e] != ' ') continue;
        std::string compact;
        for (char c : text.substr(start, e - start))
            if (c != ' ') compact += c;
        if (iban_valid(compact)) return e;
    }
    return start;
}

}  // namespace

bool luhn_valid(std::string_view digits) {
    if (digits.size() < 13 || digits.size() > 19) return false;
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (twice && (d *= 2) > 9) d -= 9;
        sum += d;
        twice = !twice;
    }
    return sum % 10 == 0;
}

bool iban_valid(std::string_view s) {
    if (s.size() < 15 || s.size() > 34) return false;
    int rem = 0;
    // ISO 13616: move the first four characters to the end, letters count as 10..35, mod 97.
    for (std::size_t k = 0; k < s.size(); ++k) {
        const char c = s[(k + 4) % s.size()];
        if (std::isdigit(static_cast<unsigned char>(c)))
            rem = (rem * 10 + (c - '0')) % 97;
        else if (c >= 'A' && c <= 'Z')
            rem = (rem * 100 + (c - 'A' + 10)) % 97;
        else
            return false;
    }
    return rem == 1;
}

struct PiiDetector::Kind {
    std::string label;
    Pattern pattern;
    // Returns the accepted end (== start to reject) of candidate [start, end).
    std::function<std::size_t(std::string_view, std::size_t, std::size_t)> accept;
    bool word_bounded = true;
};

namespace {

using Accept = std::function<std::size_t(std::string_view, std::size_t, std::size_t)>;

Accept when(std::function<bool(std::string_view)> check) {
    return [check = std::move(check)](std::string_view t, std::size_t s, std::size_t e) {
        return check(t.substr(s, e - s)) ? e : s;
    };
}

[[noreturn]] void unknown_kind(std::string_view name) {
    throw ConfigError(fmt::format("config \"types\": unknown type \"{}\"; use any of {}", name,
                                  fmt::join(k_pii_kinds, ", ")));
}

std::unique_ptr<PiiDetector::Kind> make_kind(std::string_view name) {
    using K = PiiDetector::Kind;
    const auto kind = [](std::string label, const char* re, Accept accept) {
        return std::make_unique<K>(K{std::move(label), Pattern("types", re), std::move(accept)});
    };
    const Accept any = [](std::string_view, std::size_t, std::size_t e) { return e; };
    if (name == "email")
        return kind("EMAIL",
                    R"([A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})", any);
    if (name == "iban") return kind("IBAN", R"([A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30})", iban_end);
    if (name == "credit_card")
        return kind("CREDIT_CARD", R"([0-9](?:[ \-]?[0-9]){12,18})",
                    when([](std::string_view s) { return luhn_valid(digits_of(s)); }));
    if (name == "ssn") return kind("SSN", R"([0-9]{3}-[0-9]{2}-[0-9]{4})", when(ssn_valid));
    if (name == "ipv6")
        return kind("IP_ADDRESS",
                    R"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.[0-9]{1,3}){0,3})",
                    when(ipv6_valid));
    if (name == "ipv4")
        return kind(
            "IP_ADDRESS",
            R"((?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]))",
            any);
    if (name == "phone")
        return kind(
            "PHONE",
            R"((?:\+[0-9]{1,3}[ .\-]?(?:\([0-9]{1,4}\)[ .\-]?)?[0-9]{1,4}(?:[ .\-]?[0-9]{2,4}){1,4})|(?:\([0-9]{3}\)[ .\-]?[0-9]{3}[ .\-]?[0-9]{4})|(?:[0-9]{3}[ .\-][0-9]{3}[ .\-][0-9]{4}))",
            when(phone_valid));
    unknown_kind(name);
}

// The match must not continue a word (no lookbehind in RE2, so the check is here).
bool bounded(std::string_view text, std::size_t start, std::size_t end) {
    return (start == 0 || !is_word_byte(text[start - 1])) &&
           (end == text.size() || !is_word_byte(text[end]));
}

// The built-in kinds are compiled once per process and shared by every detector (RE2 matches
// from many threads at once): a pipeline of many anonymize nodes does not pay for them each.
const PiiDetector::Kind& builtin_kind(const std::string& name) {
    static const auto all = [] {
        std::vector<std::unique_ptr<PiiDetector::Kind>> kinds;
        for (std::string_view kind : k_pii_kinds) kinds.push_back(make_kind(kind));
        return kinds;
    }();
    for (std::size_t i = 0; i < std::size(k_pii_kinds); ++i)
        if (k_pii_kinds[i] == name) return *all[i];
    unknown_kind(name);
}

}  // namespace

PiiDetector::PiiDetector(const std::vector<std::string>& kinds, std::vector<Custom> customs)
    : customs_(std::move(customs)) {
    for (const std::string& k : kinds) kinds_.push_back(&builtin_kind(k));
    // (A '+' starts a phone number but is not a word byte, so the boundary check still holds.)
}

PiiDetector::~PiiDetector() = default;

std::vector<PiiMatch> PiiDetector::find(std::string_view text, const std::stop_token& stop) const {
    std::vector<PiiMatch> all;
    bool whole = true;
    for (const Kind* kind : kinds_)
        whole = whole && kind->pattern.for_each_match(
                             text,
                             [&](std::size_t s, std::size_t e) {
                                 e = kind->accept(text, s, e);
                                 if (e > s && bounded(text, s, e))
                                     all.push_back({s, e, kind->label});
                             },
                             stop);
    for (const Custom& custom : customs_)
        whole = whole && custom.pattern.for_each_match(
                             text,
                             [&](std::size_t s, std::size_t e) {
                                 all.push_back({s, e, custom.label});
                             },
                             stop);
    throw_if_cancelled(stop, "anonymize");
    // Earliest first; on a tie the longer match, then the higher-priority kind (stable sort).
    std::stable_sort(all.begin(), all.end(), [](const PiiMatch& a, const PiiMatch& b) {
        return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    std::vector<PiiMatch> kept;
    for (PiiMatch& m : all)
        if (kept.empty() || m.start >= kept.back().end) kept.push_back(std::move(m));
    return kept;
}

}  // namespace sluice::nodes
