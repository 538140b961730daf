#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "stats/stat_output.hpp"
#include "stats_fixture.hpp"

namespace ferry::stats::test {
namespace {

// Reference 1.1, byte for byte.
const std::string kHeader =
    "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,"
    "wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,"
    "lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,"
    "hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,"
    "cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,"
    "ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,"
    "check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,"
    "conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,"
    "cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,"
    "safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,"
    "agg_server_check_status,agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,"
    "h2_headers_rcvd,h2_data_rcvd,h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,"
    "h2_detected_conn_protocol_errors,h2_detected_strm_protocol_errors,h2_rst_stream_resp,"
    "h2_goaway_resp,h2_open_connections,h2_backend_open_streams,h2_total_connections,"
    "h2_backend_total_streams,h1_open_connections,h1_open_streams,h1_total_connections,"
    "h1_total_streams,h1_bytes_in,h1_bytes_out,h1_spliced_bytes_in,h1_spliced_bytes_out,\n";

// Reference 1.2, the captured rows (same state, same times).
const std::string kFrontendRow =
    "fe_main,FRONTEND,,,0,0,9983,0,0,0,0,0,0,,,,,OPEN,,,,,,,,,1,2,0,,,,0,0,0,0,,,,,,,,,,,0,0,0,,,"
    "0,0,0,0,,,,,,,,,,,,,,,,,,,,,tcp,,0,0,0,,0,0,0,,,,,,,,,,,0,,,,,,,,,-,0,0,0,0,0,0,0,0,0,0,0,0,0,"
    "0,0,0,0,0,0,0,0,0,0,0,";
const std::string kS1Row =
    "be_app,s1,0,0,0,0,,0,0,0,,0,,0,0,0,0,UP,1,1,0,0,0,8,0,,1,3,1,,0,,2,0,,0,L4OK,,0,,,,,,,,,,,0,0,"
    ",,,,-1,,,0,0,0,0,,,,Layer4 check passed,,2,3,4,,,,unix,,tcp,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,"
    "1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,";
const std::string kS3Row =
    "be_app,s3,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1,1,0,1,1,7,7,,1,3,3,,0,,2,0,,0,SOCKERR,,0,,,,,,,,,"
    ",,0,0,,,,,-1,General socket error (No such file or directory),,0,0,0,0,,,,Socket error,,2,3,"
    "0,,,,unix,,tcp,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,,,,,,,,,,,,,,,,,,,";
const std::string kBackendRow =
    "be_app,BACKEND,0,0,0,0,999,0,0,0,0,0,,0,0,0,0,UP,2,2,0,,0,8,0,,1,3,0,,0,,1,0,,0,,,,,,,,,,,,,,"
    "0,0,0,0,0,0,-1,,,0,0,0,0,,,,,,,,,,,,,,tcp,roundrobin,,,,,,,0,0,0,,,,,0,0,0,0,0,,,,,2,0,0,0,-,"
    "0,"
    "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

size_t commas(const std::string& line) {
  return std::count(line.begin(), line.end(), ',');
}

TEST_CASE("show stat: the header is HAProxy 2.6's, byte for byte") {
  CHECK(csv_header() == kHeader);
  CHECK(stat_fields().size() == kFieldCount);
}

TEST_CASE("show stat: the captured reference rows, for the same state") {
  Runtime rt;
  const auto lines = lines_of(render_stat(rt.engine, StatRequest{}));
  REQUIRE(lines.size() == 6);
  CHECK(lines[0] + "\n" == kHeader);
  CHECK(lines[1] == kFrontendRow);
  CHECK(lines[2] == kS1Row);
  CHECK(lines[3] ==
        std::string(kS1Row).replace(8, 1, "2").replace(kS1Row.find(",1,3,1,") + 5, 1, "2"));
  CHECK(lines[4] == kS3Row);
  CHECK(lines[5] == kBackendRow);
}

TEST_CASE("show stat: every line splits into 129 tokens") {
  Runtime rt;
  rt.server(0).check.last_text = "a, \"quoted\"\nline";
  for (const auto& line : lines_of(render_stat(rt.engine, StatRequest{}))) {
    if (line.find('"') != std::string::npos) continue;  // quoted field: checked below
    CHECK(commas(line) == 128);
  }
}

TEST_CASE("show stat: text holding a comma, quote or newline is quoted as RFC 4180") {
  std::string out;
  append_csv_field(out, "plain");
  CHECK(out == "plain");
  out.clear();
  append_csv_field(out, "Detected 2 consecutive errors, last one was: \"x\"");
  CHECK(out == "\"Detected 2 consecutive errors, last one was: \"\"x\"\"\"");
  out.clear();
  append_csv_field(out, "a\nb");
  CHECK(out == "\"a\nb\"");
}

TEST_CASE("show stat: the filter <iid> <type> <sid> selects rows") {
  Runtime rt;
  StatRequest r;
  r.iid = 3;
  r.type_mask = 2;
  auto lines = lines_of(render_stat(rt.engine, r));
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == kBackendRow);
  r.type_mask = -1;
  r.sid = 2;
  lines = lines_of(render_stat(rt.engine, r));
  REQUIRE(lines.size() == 3);  // server 2 and the BACKEND row (F/B rows ignore sid)
  CHECK(lines[1].rfind("be_app,s2,", 0) == 0);
  r.iid = 99;
  CHECK(render_stat(rt.engine, r) == kHeader);  // unknown id: just the header
}

TEST_CASE("show stat: up and no-maint hide servers and count the BACKEND's") {
  Runtime rt;
  rt.control.set_maint(rt.server(0), true);
  StatRequest r;
  r.iid = 3;
  r.up = true;
  auto lines = lines_of(render_stat(rt.engine, r));
  REQUIRE(lines.size() == 3);  // s2 and BACKEND: s1 (MAINT) and s3 (DOWN) hidden
  CHECK(lines[1].rfind("be_app,s2,", 0) == 0);
  CHECK(lines[2].find(",UP (1/3),") != std::string::npos);
  r.up = false;
  r.no_maint = true;
  lines = lines_of(render_stat(rt.engine, r));
  CHECK(lines.size() == 4);  // only the MAINT server hidden
}

TEST_CASE("show stat: maintenance, drain and weight 0 as reference section 5 shows them") {
  Runtime rt;
  rt.control.set_maint(rt.server(0), true);
  rt.server(0).last_change = rt.now;
  rt.server(0).check.chkdown = 1;
  rt.control.set_drain(rt.server(1), true);
  StatRequest r;
  r.iid = 3;
  auto lines = lines_of(render_stat(rt.engine, r));
  CHECK(
      lines[1] ==
      "be_app,s1,0,0,0,0,,0,0,0,,0,,0,0,0,0,MAINT,1,1,0,0,1,0,0,,1,3,1,,0,,2,0,,0,,,,,,,,,,,,,,0,"
      "0,,,,,-1,,,0,0,0,0,,,,,,,,,,,,unix,,tcp,,,,,,,,0,0,0,,,0,,0,0,0,0,0,0,0,0,1,1,,,,-,0,0,0,,,,"
      ",,,,,,,,,,,,,,,,,,");
  CHECK(lines[2].find(",DRAIN,1,1,0,") != std::string::npos);
  CHECK(lines[4].find(",DOWN,0,0,0,,1,") != std::string::npos);  // BACKEND: nothing usable
  rt.control.set_drain(rt.server(1), false);
  rt.control.set_weight(rt.server(1), 0);
  lines = lines_of(render_stat(rt.engine, r));
  CHECK(lines[2].find(",UP,0,1,0,") != std::string::npos);
  CHECK(lines[2].find(",1,0,,,,-,") != std::string::npos);  // uweight 0
}

TEST_CASE("show stat: addr and algo are hidden from user-level sockets") {
  Runtime rt;
  StatRequest r;
  r.privileged = false;
  const std::string out = render_stat(rt.engine, r);
  CHECK(out.find(",unix,") == std::string::npos);
  CHECK(out.find("roundrobin") == std::string::npos);
}

TEST_CASE("show stat typed: one line per non-empty field, module fields from 103") {
  Runtime rt;
  StatRequest r;
  r.format = StatFormat::Typed;
  const std::string out = render_stat(rt.engine, r);
  for (const char* line : {
           "F.2.0.0.pxname.1:KNS:str:fe_main\n",
           "F.2.0.6.slim.1:CLP:u32:9983\n",
           "F.2.0.17.status.1:SGP:str:OPEN\n",
           "S.3.3.17.status.1:SGP:str:DOWN\n",
           "S.3.3.18.weight.1:MaP:u32:1\n",
           "S.3.3.21.chkfail.1:MCP:u64:1\n",
           "S.3.3.23.lastchg.1:MAP:u32:7\n",
           "S.3.3.36.check_status.1:MOP:str:SOCKERR\n",
           "S.3.3.55.lastsess.1:MAP:s32:-1\n",
           "S.3.3.56.last_chk.1:MOP:str:General socket error (No such file or directory)\n",
           "S.3.3.69.check_health.1:CGS:u32:0\n",
           "S.3.3.73.addr.1:CGS:str:unix\n",
           "S.3.1.56.last_chk.1:MOP:str:\n",
           "B.3.0.6.slim.1:CLP:u32:999\n",
           "B.3.0.19.act.1:MGP:u32:2\n",
           "S.3.1.19.act.1:SGP:u32:1\n",
           "B.3.0.33.rate.1:MGP:u32:0\n",
           "F.2.0.33.rate.1:MRP:u32:0\n",
           "F.2.0.103.ssl_sess.1:MCP:u64:0\n",
           "B.3.0.126.h1_spliced_bytes_out.1:MCP:u64:0\n",
       }) {
    CHECK_MESSAGE(out.find(line) != std::string::npos, std::string(line));
  }
  CHECK(out.find("F.2.0.2.qcur.") == std::string::npos);  // empty on FRONTEND rows: left out
  CHECK(out.find("S.3.1.107.") == std::string::npos);     // h2 fields are empty on servers
  r.desc = true;
  CHECK(render_stat(rt.engine, r).find("F.2.0.0.pxname.1:KNS:str:fe_main:\"Proxy name\"\n") !=
        std::string::npos);
}

TEST_CASE("show stat json: rows of field objects, valid JSON, typed values") {
  Runtime rt;
  StatRequest r;
  r.format = StatFormat::Json;
  const std::string out = render_stat(rt.engine, r);
  CHECK(out.rfind("[[{\"objType\":\"Frontend\",\"proxyId\":2,\"id\":0,\"field\":{\"pos\":0,"
                  "\"name\":\"pxname\"},\"processNum\":1,\"tags\":{\"origin\":\"Key\",\"nature\":"
                  "\"Name\",\"scope\":\"Service\"},\"value\":{\"type\":\"str\",\"value\":"
                  "\"fe_main\"}},",
                  0) == 0);
  CHECK(out.substr(out.size() - 4) == "}]]\n");
  const auto doc = nlohmann::json::parse(out);
  REQUIRE(doc.size() == 5);
  CHECK(doc[3][0]["objType"] == "Server");
  CHECK(doc[3][0]["id"] == 3);
  bool found = false;
  for (const auto& f : doc[3]) {
    if (f["field"]["name"] != "lastsess") continue;
    CHECK(f["value"]["type"] == "s32");
    CHECK(f["value"]["value"] == -1);
    found = true;
  }
  CHECK(found);
  r.iid = 99;
  CHECK(render_stat(rt.engine, r) == "[]\n");
}

TEST_CASE("json strings are escaped") {
  std::string out;
  append_json_string(out, "a\"b\\c\nd");
  CHECK(out == "\"a\\\"b\\\\c\\u000ad\"");
}

}  // namespace
}  // namespace ferry::stats::test
