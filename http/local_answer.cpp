// HttpConnection's answers to the requests its frontend serves itself (HttpSettings::local: the
// stats page, the Prometheus exporter). The request's body (a form posted to the stats page) is
// read whole first. As HAProxy 2.6 (observed), the connection stays open after an answer below
// 400 when the request keeps it (HTTP/1.1, or HTTP/1.0 with `Connection: keep-alive`) and the
// frontend has no `option httpclose`; an answer of 400 and over (401 to a missing password, a
// refused form) closes it.
#include <sys/socket.h>

#include <cerrno>

#include "core/frontend.hpp"
#include "http/acl_eval.hpp"
#include "http/http_connection.hpp"
#include "http/status_reason.hpp"

namespace ferry::http {

namespace {

// Larger bodies are refused: a stats page form is a few dozen bytes.
constexpr uint64_t kMaxLocalBody = 8192;

// The Connection field as HAProxy writes it: `close` when closing, `keep-alive` when it stays
// open for an HTTP/1.0 client (which would close otherwise), none for HTTP/1.1 keeping it.
std::string head_of(const core::LocalReply& reply, bool closing, bool http10) {
  std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " ";
  out.append(standard_reason(reply.status)).append("\r\n");
  for (const auto& [name, value] : reply.headers)
    out.append(name).append(": ").append(value).append("\r\n");
  out.append("content-length: ").append(std::to_string(reply.body.size())).append("\r\n");
  if (closing)
    out.append("connection: close\r\n");
  else if (http10)
    out.append("connection: keep-alive\r\n");
  return out.append("\r\n");
}

}  // namespace

std::optional<core::LocalRequest::Kind> HttpConnection::local_kind() {
  const core::LocalRoutes& r = settings_->local;
  if (!r.service) return std::nullopt;
  // HAProxy evaluates `http-request` rules before it looks at the stats URI.
  if (r.metrics && evaluate(r.metrics_when, request_context()))
    return core::LocalRequest::Kind::Metrics;
  if (!r.stats_uri.empty() && request_.target.starts_with(r.stats_uri))
    return core::LocalRequest::Kind::StatsPage;
  return std::nullopt;
}

void HttpConnection::answer_locally() {
  if (!local_out_.empty()) return write_local();
  if (request_.framing == Framing::Chunked || request_.content_length > kMaxLocalBody)
    return refuse(400, "a request to ferry's own pages has a body over 8 kB or chunked", 'P', 'R');
  const size_t need = request_.size + request_.content_length;
  if (c2s_.held().size() < need) {
    uint64_t moved = 0;
    const MessageFlow::Status st = c2s_.read(session_.client_fd(), buffers_, moved);
    session_.count_in(moved);
    if (st != MessageFlow::Status::Ok || (c2s_.held().size() < need && c2s_.at_eof()))
      return session_.finish('C', 'D');
    if (c2s_.held().size() < need) {
      if (!timer_.active() && settings_->client_timeout) timer_.start(*settings_->client_timeout);
      return;
    }
  }
  timer_.stop();
  core::LocalRequest req;
  req.kind = local_kind_;
  req.admin =
      settings_->local.stats_admin && evaluate(settings_->local.admin_if, request_context());
  req.method = request_.method;
  req.target = request_.target;
  for (const Header& h : request_.headers)
    req.headers.emplace_back(h.name, h.value);
  req.body = c2s_.held().substr(request_.size, request_.content_length);
  req.peer = &session_.peer();
  core::LocalReply reply = settings_->local.service->answer(req);
  txn_.status = reply.status;
  close_client_ = reply.status >= 400 || !request_.keep_alive() ||
                  settings_->conn_mode == HttpSettings::ConnMode::Close;
  local_out_ = head_of(reply, close_client_, request_.version == Version::Http10);
  if (!request_.is_head()) local_body_ = std::move(reply.body);
  // The request, body included, is answered: the next one starts after it.
  if (!close_client_) c2s_.begin_body(static_cast<uint32_t>(need), {}, Framing::None, 0);
  session_.count_response(reply.status, false, false);
  write_local();
}

void HttpConnection::write_local() {
  const size_t total = local_out_.size() + local_body_.size();
  while (local_sent_ < total) {
    const bool head = local_sent_ < local_out_.size();
    const std::string& part = head ? local_out_ : local_body_;
    const size_t at = head ? local_sent_ : local_sent_ - local_out_.size();
    const ssize_t n = ::send(session_.client_fd(), part.data() + at, part.size() - at,
                             MSG_NOSIGNAL | (head ? MSG_MORE : 0));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (settings_->client_timeout) timer_.start(*settings_->client_timeout);
      return session_.want_client_output();
    }
    if (n <= 0) return session_.finish('C', 'D');
    local_sent_ += static_cast<size_t>(n);
    session_.count_out(static_cast<uint64_t>(n));
  }
  timer_.stop();
  log_transaction('-', '-', nullptr);
  if (close_client_) return session_.finish('-', '-');
  local_out_.clear();
  local_body_.clear();
  local_sent_ = 0;
  wait_request();
}

}  // namespace ferry::http
