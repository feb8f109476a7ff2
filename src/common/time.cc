#include "common/time.h"

#include <charconv>
#include <cstdio>

namespace vigil {

namespace {

bool ParseDigits(std::string_view text, std::size_t pos, std::size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

Timestamp Now() {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::string FormatRfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> hms{t - day};
  // Digits written directly: this runs several times per stored submission,
  // and snprintf was a visible share of the commit path.
  std::string out = "0000-00-00T00:00:00.000000Z";
  const auto put = [&out](std::size_t end, long long value, int width) {
    for (int i = 1; i <= width; ++i, value /= 10)
      out[end - i] = static_cast<char>('0' + value % 10);
  };
  put(4, static_cast<int>(ymd.year()), 4);
  put(7, static_cast<unsigned>(ymd.month()), 2);
  put(10, static_cast<unsigned>(ymd.day()), 2);
  put(13, hms.hours().count(), 2);
  put(16, hms.minutes().count(), 2);
  put(19, hms.seconds().count(), 2);
  put(26, hms.subseconds().count(), 6);
  return out;
}

Result<Timestamp> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;
  const auto bad = [&] {
    return Fail(
        Status::InvalidArgument("expected an RFC 3339 time such as 2026-06-01T07:30:00Z, got '" +
                                std::string(text.substr(0, 40)) + "'"));
  };
  int y, mo, d, h, mi, s;
  if (text.size() < 20 || !ParseDigits(text, 0, 4, &y) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, &mo) || text[7] != '-' || !ParseDigits(text, 8, 2, &d) ||
      (text[10] != 'T' && text[10] != 't') || !ParseDigits(text, 11, 2, &h) || text[13] != ':' ||
      !ParseDigits(text, 14, 2, &mi) || text[16] != ':' || !ParseDigits(text, 17, 2, &s)) {
    return bad();
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                           day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return bad();
  std::size_t pos = 19;
  long long micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (; digits < 6; ++digits) micros *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ParseDigits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_minutes = (text[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  const Timestamp local =
      sys_days{ymd} + hours{h} + minutes{mi} + seconds{s} + microseconds{micros};
  return local - minutes{offset_minutes};
}

}  // namespace vigil
