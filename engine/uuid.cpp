// uuid.cpp — random identifiers from a per-thread generator seeded by the OS.
#include "uuid.hpp"

#include <cstdint>
#include <random>

namespace sluice::detail {
namespace {

std::mt19937_64& generator() {
    // One per thread: no lock on the send path. Seeded from std::random_device (the OS).
    thread_local std::mt19937_64 gen = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }();
    return gen;
}

constexpr char k_hex[] = "0123456789abcdef";

void write_hex(char* out, std::uint64_t bits, int digits) noexcept {
    for (int i = digits - 1; i >= 0; --i, bits >>= 4) out[i] = k_hex[bits & 0xf];
}

}  // namespace

UuidText make_uuid() noexcept {
    std::uint64_t hi = generator()();
    std::uint64_t lo = generator()();
    hi = (hi & ~0xf000ull) | 0x4000ull;                  // version 4
    lo = (lo & ~(0xcull << 60)) | (0x8ull << 60);        // variant 10xx
    UuidText t{};
    write_hex(&t[0], hi >> 32, 8);
    t[8] = '-';
    write_hex(&t[9], (hi >> 16) & 0xffff, 4);
    t[13] = '-';
    write_hex(&t[14], hi & 0xffff, 4);
    t[18] = '-';
    write_hex(&t[19], lo >> 48, 4);
    t[23] = '-';
    write_hex(&t[24], lo & 0xffffffffffffull, 12);
    return t;
}

std::string make_uuid_string() {
    UuidText t = make_uuid();
    return std::string(t.data(), t.size());
}

std::string make_token() {
    std::string token = "tk_";
    token.resize(3 + 32);
    write_hex(&token[3], generator()(), 16);
    write_hex(&token[19], generator()(), 16);
    return token;
}

}  // namespace sluice::detail
