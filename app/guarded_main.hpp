// The last line of defence of `main`: ferry handles every error a user can cause where it
// happens, so an exception that reaches `main` is a bug. It is reported as one clear line and
// the process exits with kInternalErrorStatus, after the stack unwound (destructors close
// sockets and remove the socket files), instead of std::terminate's abort.
#pragma once

#include <functional>
#include <ostream>

namespace ferry::app {

// EX_SOFTWARE of sysexits.h: distinct from 1, which means "the configuration is invalid".
constexpr int kInternalErrorStatus = 70;

// Runs `body` and returns its status; an exception escaping it is written to `err` and gives
// kInternalErrorStatus.
int guarded_main(const std::function<int()>& body, std::ostream& err) noexcept;

}  // namespace ferry::app
