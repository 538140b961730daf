// `ferryctl top`: a live view of the backends and servers, redrawn every interval from `show
// stat` until `q` or Ctrl-C (for those who would run hatop). On a terminal it takes the
// alternate screen and reads keys one by one, and gives both back when it ends.
#pragma once

#include <chrono>
#include <functional>
#include <string>

namespace ferry::ctl {

// `fetch` asks the stats socket for `show stat`: the CSV, or false with an error text.
using FetchStat = std::function<bool(std::string& text)>;

// Runs until `q` (or Ctrl-C, or the end of standard input); returns the exit status (0).
int run_top(const FetchStat& fetch, const std::string& where, std::chrono::milliseconds interval);

}  // namespace ferry::ctl
