// anonymize: each PII kind with its validator, mask styles, custom patterns, UTF-8, config.
#include <algorithm>

#include "nodes/node_harness.hpp"
#include "support/scale.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {

std::string masked(std::string_view text, const std::string& config = "{}") {
    Result r = run_node(node_pipeline("anonymize", config), text);
    REQUIRE(r.ok());
    std::string out = text_of(r);
    REQUIRE(out.ends_with("\n\n"));
    return out.substr(0, out.size() - 2);
}

std::size_t count_of(std::string_view text, std::string_view needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string_view::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("anonymize labels every built-in kind of personal data") {
    CHECK(masked("Mail ada@example.com or call +1 415-555-0100, card 4111 1111 1111 1111, IBAN "
                 "DE89 3704 0044 0532 0130 00, ip 192.168.0.1 and 2001:db8::1, ssn 123-45-6789.") ==
          "Mail [EMAIL] or call [PHONE], card [CREDIT_CARD], IBAN [IBAN], ip [IP_ADDRESS] and "
          "[IP_ADDRESS], ssn [SSN].");
    CHECK(masked("US (212) 555-0199 or 212.555.0199; FR +33 1 42 68 53 00") ==
          "US [PHONE] or [PHONE]; FR [PHONE]");
}

TEST_CASE("anonymize leaves look-alikes that fail their checksum or shape") {
    const std::string text = "order 4111 1111 1111 1112, IBAN GB82 WEST 1234 5698 7654 33, "
                             "version 1.2.3, at 10:30:00, std::vector, ssn 000-12-3456, 999.1.1.1";
    CHECK(masked(text) == text);
    CHECK(masked("IBAN GB82 WEST 1234 5698 7654 32 AND MORE") == "IBAN [IBAN] AND MORE");
}

TEST_CASE("anonymize masks with stars or a stable hash") {
    CHECK(masked("mail a@b.io now", R"({"mask": "stars"})") == "mail *** now");
    const std::string once = masked("a@b.io c@d.io a@b.io", R"({"mask": "hash"})");
    CHECK(once == masked("a@b.io c@d.io a@b.io", R"({"mask": "hash"})"));
    REQUIRE(once.size() == 3 * 24 + 2);
    CHECK(once.starts_with("[EMAIL:"));
    CHECK(once.substr(0, 24) == once.substr(50, 24));  // the same address, the same hash
    CHECK(once.substr(0, 24) != once.substr(25, 24));
    CHECK(masked("a@b.io", R"({"mask": "hash", "salt": "s"})") != once.substr(0, 24));
}

TEST_CASE("anonymize applies user patterns and a chosen subset of kinds") {
    CHECK(masked("staff E-123456 mail x@y.org", R"({"types": ["email"],
          "patterns": [{"name": "EMPLOYEE", "regex": "E-[0-9]{6}"}, "secret-\\w+"]})") ==
          "staff [EMPLOYEE] mail [EMAIL]");
    CHECK(masked("token secret-abc and 192.168.1.1", R"({"types": [], "patterns": ["secret-\\w+"]})") ==
          "token [REDACTED] and 192.168.1.1");
}

TEST_CASE("anonymize keeps multi-byte text intact and repairs invalid UTF-8") {
    CHECK(masked("Zoë <zoe@example.com> ✓ 東京") == "Zoë <[EMAIL]> ✓ 東京");
    Result r = run_node(node_pipeline("anonymize"), "x\xC0@y.io a@b.io");
    CHECK(text_of(r) == "x\xEF\xBF\xBD@y.io [EMAIL]\n\n");
    CHECK(r.warnings == std::vector<std::string>{
                            "anonymize: 1 invalid UTF-8 sequence(s) replaced by U+FFFD, the first at byte 1"});
}

TEST_CASE("anonymize passes empty text on as empty text") {
    CHECK(masked("") == "");
}

TEST_CASE("anonymize config errors name the component and the fix") {
    CHECK(use_error(node_pipeline("anonymize", R"({"patterns": ["E-([0-9]"]})")) ==
          "invalid pipeline: component \"node\": config \"patterns[0]\": bad regex \"E-([0-9]\": "
          "missing ): E-([0-9]");
    CHECK(use_error(node_pipeline("anonymize", R"({"types": ["passport"]})")) ==
          "invalid pipeline: component \"node\": config \"types\": unknown type \"passport\"; use "
          "any of email, iban, credit_card, ssn, ipv6, ipv4, phone");
    CHECK(use_error(node_pipeline("anonymize_text", R"({"mask": "blur"})")) ==
          "invalid pipeline: component \"node\": config \"mask\": unknown value \"blur\"; use one "
          "of label, stars, hash");
    CHECK(use_error(node_pipeline("anonymize", R"({"patterns": [42]})")) ==
          "invalid pipeline: component \"node\": config \"patterns[0]\" must be a regex string or "
          "{\"name\": ..., \"regex\": ...}");
}

TEST_CASE("anonymize masks a 10 MB text in linear time" * sluice::test::scale_test()) {
    const std::string_view unit =
        "Dear Ana, write to ana.lopez@example.org or call 212-555-0142; card 4111-1111-1111-1111. ";
    const std::string text = repeated(unit, 10'000'000);
    const std::size_t units = text.size() / unit.size();
    auto t0 = std::chrono::steady_clock::now();
    const std::string out = masked(text);
    MESSAGE("anonymize: ", mb_per_s(text.size(), std::chrono::steady_clock::now() - t0), " MB/s");
    CHECK(count_of(out, "[EMAIL]") == units);
    CHECK(count_of(out, "[PHONE]") == units);
    CHECK(count_of(out, "[CREDIT_CARD]") == units);
    CHECK(count_of(out, "@") == 0);
    // A pathological line for backtracking engines: long runs that almost match.
    const std::string evil = std::string(5'000'000, 'a') + "@" + std::string(5'000'000, '1');
    CHECK(masked(evil).size() == evil.size());
}

}  // TEST_SUITE
