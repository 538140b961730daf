// TLS for the admin socket and ferryctl, over OpenSSL, on nonblocking sockets: a context made
// from a `stats socket ... ssl crt ...` line (or ferryctl's --cert/--key/--ca), and a stream that
// reports which event it waits for instead of blocking, so the caller's loop (libev in ferry,
// poll() in ferryctl) decides when to try again.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "conf/model.hpp"

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;

namespace ferry::stats {

class TlsContext {
 public:
  ~TlsContext();
  TlsContext(TlsContext&&) noexcept;
  TlsContext& operator=(TlsContext&&) noexcept;

  // A server context from a `stats socket` line; `error` names the file and what is wrong.
  static std::unique_ptr<TlsContext> server(const conf::TlsConf& conf, std::string& error);
  // ferryctl's: `cert` and `key` may be empty (no client certificate), `ca` empty = the system's
  // CAs. The server's certificate is always verified, against `host` (a name or an address).
  static std::unique_ptr<TlsContext> client(const std::string& cert, const std::string& key,
                                            const std::string& ca, std::string& error);
  SSL_CTX* get() const { return ctx_; }
  bool has_certificate() const;

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_ = nullptr;
};

// One TLS connection over a nonblocking socket it does not own.
class TlsStream {
 public:
  enum class Want { Nothing, Read, Write };
  // What an operation did: >0 bytes, 0 the peer closed (close_notify or EOF), -1 it must wait
  // for want() (nothing failed), -2 failed (error() says why).
  static constexpr ssize_t kWait = -1;
  static constexpr ssize_t kFailed = -2;

  TlsStream(const TlsContext& ctx, int fd, bool server, const std::string& host = {});
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Drives the handshake: 1 done, kWait, kFailed.
  ssize_t handshake();
  bool established() const { return established_; }
  ssize_t read(char* buf, size_t len);
  ssize_t write(const char* buf, size_t len);
  // Sends close_notify, once, without waiting for the peer's.
  void close_notify();
  // Decrypted bytes held inside OpenSSL that the socket's readiness will not announce.
  bool pending() const;
  Want want() const { return want_; }
  const std::string& error() const { return error_; }
  // The peer certificate's subject CN ("" without a verified certificate), and its full subject
  // in RFC 2253 form for logs.
  std::string peer_cn() const;
  std::string peer_subject() const;

 private:
  ssize_t result(int rc);
  SSL* ssl_ = nullptr;
  bool established_ = false;
  bool notified_ = false;
  Want want_ = Want::Nothing;
  std::string error_;
};

}  // namespace ferry::stats
