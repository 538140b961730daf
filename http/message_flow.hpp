// One HTTP/1 message moving from one socket to another, in one pooled buffer.
//
// The head is read whole into the buffer and parsed there by the owner (HeadParser over
// held()); the owner then hands over the head to send in its place (rewritten) and the body's
// framing, and the flow forwards the body as it arrives: it reads only while the destination
// has taken what was read before (backpressure), and it stops at the message's end, so the bytes
// after it (a pipelined request, the next response) stay held for the next message. A chunked
// body is forwarded as it arrived, checked by ChunkedDecoder on the way.
//
// The buffer is taken on the first read and given back whenever nothing is held. Sockets are
// polled edge-triggered (core::EdgePoller): the owner calls mark_readable() when input is
// reported; the flow reads until the socket says EAGAIN.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/buffer_pool.hpp"
#include "http/body.hpp"
#include "http/fcgi_stream.hpp"
#include "http/h1_head.hpp"

namespace ferry::http {

class MessageFlow {
 public:
  enum class Status : uint8_t {
    Ok,
    ReadError,   // the source failed (reset)
    WriteError,  // the destination failed
    Truncated,   // the source closed before the body's end
    BadBody,     // a malformed chunked body (see error())
  };

  // The source reported input that no read has consumed yet. `drain_fully`: its EOF, an error or
  // urgent data is queued (EdgePoller::kDrainFully), so a short read is not the end of it; from
  // then on the flow reads until a read returns nothing.
  void mark_readable(bool drain_fully = false) {
    readable_ = true;
    drain_fully_ = drain_fully_ || drain_fully;
  }
  bool can_read() const { return readable_ && !eof_ && !full(); }
  bool at_eof() const { return eof_; }
  // The source's socket reported its end, an error or urgent data (read or not yet).
  bool source_ending() const { return drain_fully_ || (eof_ && !answer_); }
  // The buffer holds as much as it can: a head that does not fit is too large.
  bool full() const { return buf_.held() && buf_.head == 0 && buf_.tail == cap_; }

  // Reads what the source has into the buffer, writing nothing (a head not complete yet).
  Status read(int from, core::BufferPool& pool, uint64_t& moved);
  // The bytes held and not yet sent: the head being received, and whatever followed it.
  std::string_view held() const;

  // How the body goes out: as it came, as FastCGI STDIN records (ended by an empty one), or in
  // the chunked coding (ended by the last chunk).
  enum class Wrap : uint8_t { None, FcgiStdin, Chunked };
  // The source speaks FastCGI: what read() takes is `answer`'s STDOUT (the records unwrapped in
  // place), and its end (END_REQUEST) is the source's end. Set before the first read; `answer`
  // outlives the message.
  void unwrap_from(fcgi::AnswerRecords* answer) { answer_ = answer; }

  // The owner parsed a head of `head_size` bytes at the start of held(): `head` goes out in its
  // place, followed by a body framed by `framing` (`length` bytes for Framing::Length).
  void begin_body(uint32_t head_size, std::string head, Framing framing, uint64_t length,
                  Wrap wrap = Wrap::None);
  // Right after begin_body(): the whole message as it goes out (the head given, then the body),
  // when the body is held entirely; nullopt when it is not (it cannot be sent again).
  std::optional<std::string> whole_message() const;
  // Sends `message` (what whole_message() gave) in place of what is left of the current one:
  // the current message's bytes still held are dropped, those after it stay for the next.
  void resend(std::string message);
  // Sends the head and the body held, reads more while the destination keeps up; stops at the
  // message's end. `moved`: bytes read from the source.
  Status pump(int from, int to, core::BufferPool& pool, uint64_t& moved);
  bool wants_write() const {
    return out_pos_ < out_.size() || ready_ > 0 ||
           (wrap_ != Wrap::None && body_done_ && !frame_ended_) || crlf_due_;
  }
  bool done() const { return body_done_ && !wants_write(); }
  // Input of this message is left to read and nothing waits for the destination: the owner
  // comes back for it (pump() stops after a few rounds).
  bool more_to_read() const { return in_body_ && !body_done_ && can_read() && !wants_write(); }
  // After done(): starts the next message with the bytes held.
  void next_message();
  const std::string& error() const { return decoder_.error(); }
  // Gives the buffer back and forgets everything: the flow is new, for another connection.
  void release(core::BufferPool& pool);

 private:
  Status flush(int to, core::BufferPool& pool);
  void classify();  // counts the newly held bytes that belong to the body
  // With a Wrap: the framing before the next piece of the body (or after its end) in out_;
  // false when there is none to send now.
  bool next_frame();

  core::Buffer buf_;
  uint32_t cap_ = 0;
  uint32_t ready_ = 0;  // bytes from buf_.head on that belong to the message: send them
  std::string out_;     // the head to send
  size_t out_pos_ = 0;
  Framing framing_ = Framing::None;
  LengthBody length_{0};
  ChunkedDecoder decoder_;
  bool in_body_ = false;
  bool body_done_ = false;
  bool readable_ = false;
  bool drain_fully_ = false;  // short reads are not trusted to empty the socket
  bool eof_ = false;
  fcgi::AnswerRecords* answer_ = nullptr;
  Wrap wrap_ = Wrap::None;
  uint32_t frame_left_ = 0;   // body bytes of the current record or chunk still to send
  bool crlf_due_ = false;     // the chunk being sent still needs its CRLF after its data
  bool frame_ended_ = false;  // the closing record or last chunk is in out_
};

}  // namespace ferry::http
