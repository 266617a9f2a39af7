// pii_detect.hpp — finding personal data in text: RE2 candidates, then checks a regex cannot
// make (Luhn for cards, mod-97 for IBANs, address parsing for IPv6, SSN ranges, boundaries).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pattern.hpp"

namespace sluice::nodes {

struct PiiMatch {
    std::size_t start, end;  // bytes
    std::string label;       // "EMAIL", "PHONE", ..., or a user pattern's name
};

// The built-in kinds, in priority order (earlier wins when matches overlap).
inline constexpr std::string_view k_pii_kinds[] = {"email", "iban", "credit_card", "ssn",
                                                   "ipv6",  "ipv4", "phone"};

class PiiDetector {
public:
    struct Kind;  // a built-in kind: pattern + validator (pii_detect.cpp)
    struct Custom {
        std::string label;
        Pattern pattern;
    };
    // `kinds` from k_pii_kinds (throws ConfigError on another name); customs are tried after.
    PiiDetector(const std::vector<std::string>& kinds, std::vector<Custom> customs);
    ~PiiDetector();

    // Non-overlapping matches sorted by start. Thread-safe.
    // Throws std::runtime_error("anonymize: cancelled") once `stop` is requested.
    std::vector<PiiMatch> find(std::string_view text, const std::stop_token& stop = {}) const;

private:
    std::vector<const Kind*> kinds_;  // shared, compiled once per process
    std::vector<Custom> customs_;
};

bool luhn_valid(std::string_view digits);
bool iban_valid(std::string_view compact);  // no spaces, upper case

}  // namespace sluice::nodes
