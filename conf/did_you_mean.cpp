#include "conf/did_you_mean.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace ferry::conf {

namespace {

bool suggestible(std::string_view word) {
  return word.size() <= kMaxSuggestedLength;
}

}  // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t m = b.size();
  // Rows i-2, i-1 and i of the table d[i][j]: the distance between the first i chars of a and
  // the first j chars of b.
  std::vector<size_t> before(m + 1), prev(m + 1), row(m + 1);
  for (size_t j = 0; j <= m; ++j)
    prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, row);
  }
  return prev[m];
}

std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates) {
  std::optional<std::string> best;
  if (!suggestible(word)) return best;
  size_t best_distance = SIZE_MAX;
  for (const auto& c : candidates) {
    if (!suggestible(c)) continue;
    const size_t len = std::max(word.size(), c.size());
    const size_t limit = std::max<size_t>(1, std::min<size_t>(3, len / 3));
    // The distance is at least the difference in length: a long word costs nothing to reject.
    if (len - std::min(word.size(), c.size()) > limit) continue;
    const size_t dist = edit_distance(word, c);
    if (dist <= limit && dist < best_distance) {
      best = std::string(c);
      best_distance = dist;
    }
  }
  return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  const auto match = closest_match(word, candidates);
  return match ? "; did you mean '" + *match + "'?" : "";
}

double pair_similarity(std::string_view a, std::string_view b) {
  if (!suggestible(a) || !suggestible(b)) return 0.0;
  if (a.size() < 2 || b.size() < 2) return a == b ? 1.0 : 0.0;
  std::array<bool, kMaxSuggestedLength> used{};  // pairs of `a` already matched
  size_t shared = 0;
  for (size_t j = 0; j + 1 < b.size(); ++j) {
    for (size_t i = 0; i + 1 < a.size(); ++i) {
      if (used[i] || a.substr(i, 2) != b.substr(j, 2)) continue;
      used[i] = true;
      ++shared;
      break;
    }
  }
  return 2.0 * static_cast<double>(shared) / static_cast<double>(a.size() + b.size() - 2);
}

}  // namespace ferry::conf
