#include "http/message_flow.hpp"

#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ferry::http {

namespace {
bool transient(int err) {
  return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}
}  // namespace

std::string_view MessageFlow::held() const {
  if (!buf_.held()) return {};
  return {buf_.data + buf_.head, buf_.size()};
}

MessageFlow::Status MessageFlow::read(int from, core::BufferPool& pool, uint64_t& moved) {
  while (can_read()) {
    if (!buf_.held()) {
      pool.take(buf_);
      cap_ = static_cast<uint32_t>(pool.buffer_size());
    }
    if (buf_.tail == cap_) {  // room only before the held bytes: move them to the front
      std::memmove(buf_.data, buf_.data + buf_.head, buf_.size());
      buf_.tail -= buf_.head;
      buf_.head = 0;
    }
    const uint32_t room = cap_ - buf_.tail;
    const ssize_t n = ::recv(from, buf_.data + buf_.tail, room, 0);
    if (n > 0) {
      // A short read emptied the socket's queue: another recv() would only say EAGAIN, a
      // wasted syscall per message. Input arriving from now on is reported anew.
      if (static_cast<uint32_t>(n) < room && !drain_fully_) readable_ = false;
      moved += static_cast<uint64_t>(n);
      if (!answer_) {
        buf_.tail += static_cast<uint32_t>(n);
        continue;
      }
      buf_.tail += static_cast<uint32_t>(answer_->unwrap(buf_.data + buf_.tail, n));
      eof_ = answer_->ended() || answer_->failed();
    } else if (n == 0) {
      eof_ = true;
    } else if (transient(errno)) {
      if (errno != EINTR) readable_ = false;
    } else {
      return Status::ReadError;
    }
  }
  if (buf_.held() && buf_.empty()) pool.give_back(buf_);
  return Status::Ok;
}

void MessageFlow::begin_body(uint32_t head_size, std::string head, Framing framing, uint64_t length,
                             Wrap wrap) {
  buf_.head += head_size;
  frame_left_ = 0;
  crlf_due_ = frame_ended_ = false;
  out_ = std::move(head);
  out_pos_ = 0;
  framing_ = framing;
  length_ = LengthBody(framing == Framing::Length ? length : 0);
  decoder_ = ChunkedDecoder();
  in_body_ = true;
  body_done_ = framing == Framing::None || (framing == Framing::Length && length == 0);
  wrap_ = body_done_ ? Wrap::None : wrap;  // an empty body goes without framing (the head ends it)
  ready_ = 0;
  classify();
}

std::optional<std::string> MessageFlow::whole_message() const {
  if (!body_done_ || framing_ == Framing::UntilClose || wrap_ == Wrap::Chunked) return std::nullopt;
  std::string message = out_;
  if (wrap_ == Wrap::None) {
    message.append(held().substr(0, ready_));
  } else {
    fcgi::append_stream(message, fcgi::Type::Stdin, 1, held().substr(0, ready_));
    fcgi::append_stream_end(message, fcgi::Type::Stdin, 1);
  }
  return message;
}

void MessageFlow::resend(std::string message) {
  buf_.head += ready_;
  ready_ = 0;
  out_ = std::move(message);
  out_pos_ = 0;
  framing_ = Framing::None;
  wrap_ = Wrap::None;
  in_body_ = true;
  body_done_ = true;
}

void MessageFlow::classify() {
  if (!in_body_ || body_done_) return;
  const std::string_view fresh = held().substr(ready_);
  switch (framing_) {
    case Framing::Length:
      ready_ += static_cast<uint32_t>(length_.take(fresh.size()));
      body_done_ = length_.done();
      return;
    case Framing::Chunked: {
      size_t used = 0;
      while (!decoder_.done() && !decoder_.failed()) {
        const size_t n = decoder_.next(fresh.substr(used)).size;
        if (n == 0) break;
        used += n;
      }
      ready_ += static_cast<uint32_t>(used);
      body_done_ = decoder_.done();
      return;
    }
    case Framing::UntilClose:
      ready_ += static_cast<uint32_t>(fresh.size());
      // A FastCGI answer ends with END_REQUEST; closing before it cuts the body short.
      body_done_ = eof_ && (!answer_ || (answer_->ended() && !answer_->failed()));
      return;
    case Framing::None:
      body_done_ = true;
      return;
  }
}

bool MessageFlow::next_frame() {
  if (wrap_ == Wrap::None || frame_left_ > 0 || frame_ended_) return false;
  if (ready_ == 0 && !body_done_ && !crlf_due_) return false;
  out_.clear();
  out_pos_ = 0;
  if (crlf_due_) {  // a chunk's data went out: its CRLF follows at once, the chunk is whole
    out_.append(kChunkEnd);
    crlf_due_ = false;
    return true;
  }
  if (wrap_ == Wrap::FcgiStdin) {
    frame_left_ = std::min<uint32_t>(ready_, fcgi::kMaxContent);
    fcgi::append_header(out_, fcgi::Type::Stdin, 1, static_cast<uint16_t>(frame_left_));
  } else {
    char size[kChunkHeaderMax];
    frame_left_ = ready_;
    out_.append(ready_ ? chunk_header(ready_, size) : kLastChunk);
    crlf_due_ = ready_ > 0;
  }
  frame_ended_ = frame_left_ == 0;
  return true;
}

MessageFlow::Status MessageFlow::flush(int to, core::BufferPool& pool) {
  while (out_pos_ < out_.size() || ready_ > 0 || next_frame()) {
    if (out_pos_ == out_.size() && next_frame()) continue;
    // The head (or a frame's header) and the body bytes after it go out in one call.
    const size_t head = out_.size() - out_pos_;
    const size_t body = wrap_ == Wrap::None ? ready_ : frame_left_;
    iovec iov[2];
    int parts = 0;
    if (head > 0) iov[parts++] = {out_.data() + out_pos_, head};
    if (body > 0) iov[parts++] = {buf_.data + buf_.head, body};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<size_t>(parts);
    const ssize_t n = ::sendmsg(to, &msg, MSG_NOSIGNAL);
    if (n < 0 && transient(errno)) {
      if (errno != EINTR) return Status::Ok;
      continue;
    }
    if (n <= 0) return Status::WriteError;
    const size_t from_head = std::min(static_cast<size_t>(n), head);
    const auto from_body = static_cast<uint32_t>(static_cast<size_t>(n) - from_head);
    out_pos_ += from_head;
    buf_.head += from_body;
    ready_ -= from_body;
    if (wrap_ != Wrap::None) frame_left_ -= from_body;
  }
  if (buf_.held() && buf_.empty()) pool.give_back(buf_);  // nothing held: an idle flow holds none
  return Status::Ok;
}

MessageFlow::Status MessageFlow::pump(int from, int to, core::BufferPool& pool, uint64_t& moved) {
  // A few rounds per wake-up, as core::Flow, so one fast message does not starve the others.
  for (int round = 0; round < 4; ++round) {
    if (flush(to, pool) != Status::Ok) return Status::WriteError;
    if (wants_write() || body_done_ || !can_read()) break;
    if (read(from, pool, moved) != Status::Ok) return Status::ReadError;
    classify();
    if (decoder_.failed()) return Status::BadBody;
  }
  // What the last round read goes out too: the destination then either took it all or will
  // report room (an edge), so the flow never waits on a socket that has nothing to report.
  if (flush(to, pool) != Status::Ok) return Status::WriteError;
  // The source ended inside the body: what arrived before the end went out.
  return eof_ && !body_done_ ? Status::Truncated : Status::Ok;
}

void MessageFlow::next_message() {
  wrap_ = Wrap::None;
  frame_left_ = 0;
  crlf_due_ = frame_ended_ = false;
  in_body_ = false;
  body_done_ = false;
  out_ = std::string();  // the head sent: its memory goes (an idle connection keeps none)
  out_pos_ = 0;
  ready_ = 0;
}

void MessageFlow::release(core::BufferPool& pool) {
  pool.give_back(buf_);
  *this = MessageFlow{};
}

}  // namespace ferry::http
