#include "stats/admin_tls.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>

namespace ferry::stats {

namespace {

// The oldest error OpenSSL queued, as text ("" when none), the queue emptied.
std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return {};
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

std::string failed(const std::string& what, const std::string& file) {
  const std::string why = openssl_error();
  return what + " '" + file + "'" + (why.empty() ? "" : ": " + why);
}

SSL_CTX* new_context(const SSL_METHOD* method, int min_version) {
  SSL_CTX* ctx = SSL_CTX_new(method);
  if (!ctx) return nullptr;
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  // Replies are queued in a std::string that may move between two tries of one write.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  return ctx;
}

}  // namespace

TlsContext::~TlsContext() {
  SSL_CTX_free(ctx_);
}
TlsContext::TlsContext(TlsContext&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}
TlsContext& TlsContext::operator=(TlsContext&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  return *this;
}

std::unique_ptr<TlsContext> TlsContext::server(const conf::TlsConf& conf, std::string& error) {
  ERR_clear_error();
  const int min = conf.min_version == "TLSv1.3" ? TLS1_3_VERSION : TLS1_2_VERSION;
  std::unique_ptr<TlsContext> out(new TlsContext(new_context(TLS_server_method(), min)));
  SSL_CTX* ctx = out->ctx_;
  if (!ctx) return error = "cannot create a TLS context: " + openssl_error(), nullptr;
  // One connection, one handshake: no tickets, no session cache to bound.
  SSL_CTX_set_num_tickets(ctx, 0);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_use_certificate_chain_file(ctx, conf.crt.c_str()) != 1)
    return error = failed("no certificate in 'crt'", conf.crt), nullptr;
  if (SSL_CTX_use_PrivateKey_file(ctx, conf.crt.c_str(), SSL_FILETYPE_PEM) != 1)
    return error = failed("no private key after the certificate in 'crt'", conf.crt) +
                   " (the PEM file holds the certificate, then its key)",
           nullptr;
  if (SSL_CTX_check_private_key(ctx) != 1)
    return error = failed("the private key does not match the certificate in 'crt'", conf.crt),
           nullptr;
  if (!conf.ciphers.empty() && SSL_CTX_set_cipher_list(ctx, conf.ciphers.c_str()) != 1)
    return error = "'ciphers " + conf.ciphers + "' names no cipher OpenSSL knows", nullptr;
  if (!conf.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, conf.ca_file.c_str(), nullptr) != 1)
      return error = failed("no CA certificate in 'ca-file'", conf.ca_file), nullptr;
    SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(conf.ca_file.c_str()));
  }
  int mode = SSL_VERIFY_NONE;
  if (conf.verify == conf::Verify::Optional) mode = SSL_VERIFY_PEER;
  if (conf.verify == conf::Verify::Required)
    mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  SSL_CTX_set_verify(ctx, mode, nullptr);
  ERR_clear_error();
  return out;
}

std::unique_ptr<TlsContext> TlsContext::client(const std::string& cert, const std::string& key,
                                               const std::string& ca, std::string& error) {
  ERR_clear_error();
  std::unique_ptr<TlsContext> out(new TlsContext(new_context(TLS_client_method(), TLS1_2_VERSION)));
  SSL_CTX* ctx = out->ctx_;
  if (!ctx) return error = "cannot create a TLS context: " + openssl_error(), nullptr;
  if (!cert.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
      return error = failed("no certificate in", cert), nullptr;
    const std::string& k = key.empty() ? cert : key;
    if (SSL_CTX_use_PrivateKey_file(ctx, k.c_str(), SSL_FILETYPE_PEM) != 1)
      return error = failed("no private key in", k), nullptr;
    if (SSL_CTX_check_private_key(ctx) != 1)
      return error = failed("the key does not match the certificate", cert), nullptr;
  }
  const bool loaded = ca.empty() ? SSL_CTX_set_default_verify_paths(ctx) == 1
                                 : SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr) == 1;
  if (!loaded) return error = failed("no CA certificate in", ca.empty() ? "(system)" : ca), nullptr;
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  ERR_clear_error();
  return out;
}

bool TlsContext::has_certificate() const {
  return SSL_CTX_get0_certificate(ctx_) != nullptr;
}

TlsStream::TlsStream(const TlsContext& ctx, int fd, bool server, const std::string& host)
    : ssl_(SSL_new(ctx.get())) {
  if (!ssl_) return;
  SSL_set_fd(ssl_, fd);
  if (server) {
    SSL_set_accept_state(ssl_);
    return;
  }
  SSL_set_connect_state(ssl_);
  in6_addr ip{};
  const bool is_ip =
      ::inet_pton(AF_INET, host.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, host.c_str(), &ip) == 1;
  if (is_ip) {
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), host.c_str());
  } else {
    SSL_set_tlsext_host_name(ssl_, host.c_str());
    SSL_set1_host(ssl_, host.c_str());
  }
}

TlsStream::~TlsStream() {
  SSL_free(ssl_);
}

ssize_t TlsStream::result(int rc) {
  const int err = SSL_get_error(ssl_, rc);
  want_ = Want::Nothing;
  switch (err) {
    case SSL_ERROR_WANT_READ:
      want_ = Want::Read;
      return kWait;
    case SSL_ERROR_WANT_WRITE:
      want_ = Want::Write;
      return kWait;
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    case SSL_ERROR_SYSCALL:
      if (errno == EINTR) return want_ = Want::Read, kWait;
      error_ = errno ? std::strerror(errno) : "the peer closed the connection";
      if (!established_ || errno) return kFailed;
      return 0;  // EOF without close_notify: taken as the end of the input
    default: {
      error_ = openssl_error();
      const long verify = SSL_get_verify_result(ssl_);
      if (verify != X509_V_OK)
        error_ += std::string(error_.empty() ? "" : " (") + X509_verify_cert_error_string(verify) +
                  (error_.empty() ? "" : ")");
      if (error_.empty()) error_ = "TLS error " + std::to_string(err);
      return kFailed;
    }
  }
}

ssize_t TlsStream::handshake() {
  if (!ssl_) return error_ = "cannot create a TLS connection", kFailed;
  ERR_clear_error();
  errno = 0;
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    established_ = true;
    want_ = Want::Nothing;
    return 1;
  }
  return result(rc);
}

ssize_t TlsStream::read(char* buf, size_t len) {
  ERR_clear_error();
  errno = 0;
  size_t n = 0;
  if (SSL_read_ex(ssl_, buf, len, &n) == 1) return want_ = Want::Nothing, static_cast<ssize_t>(n);
  return result(0);
}

ssize_t TlsStream::write(const char* buf, size_t len) {
  ERR_clear_error();
  errno = 0;
  size_t n = 0;
  if (SSL_write_ex(ssl_, buf, len, &n) == 1) return want_ = Want::Nothing, static_cast<ssize_t>(n);
  return result(0);
}

void TlsStream::close_notify() {
  if (!ssl_ || !established_ || notified_) return;
  notified_ = true;
  ERR_clear_error();
  SSL_shutdown(ssl_);
  ERR_clear_error();
}

bool TlsStream::pending() const {
  return ssl_ && SSL_pending(ssl_) > 0;
}

std::string TlsStream::peer_cn() const {
  X509* cert = ssl_ ? SSL_get0_peer_certificate(ssl_) : nullptr;
  if (!cert || SSL_get_verify_result(ssl_) != X509_V_OK) return {};
  char cn[256] = "";
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn)) < 0)
    return {};
  return cn;
}

std::string TlsStream::peer_subject() const {
  X509* cert = ssl_ ? SSL_get0_peer_certificate(ssl_) : nullptr;
  if (!cert) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len > 0 ? len : 0));
  BIO_free(bio);
  return out;
}

}  // namespace ferry::stats
