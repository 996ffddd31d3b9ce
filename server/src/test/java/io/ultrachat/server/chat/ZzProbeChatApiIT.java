package io.ultrachat.server.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import java.util.*;
import java.util.concurrent.*;
import org.junit.jupiter.api.Test;

class ZzProbeChatApiIT {
  static void p(String what, Api.Response r) { System.out.println("PROBE " + what + " -> " + r.status() + " " + r.body()); }

  @Test
  void probe() throws Exception {
    for (TestServer.Backend b : TestServer.Backend.values()) {
      try (TestServer s = TestServer.on(b).start()) {
        System.out.println("PROBE ===== " + b);
        Api api = s.api();
        JsonNode a = api.register("alice", "alice password");
        String at = a.path("accessToken").asText();
        JsonNode bo = api.register("bob", "bob password");
        String bt = bo.path("accessToken").asText(); String bid = bo.path("user").path("id").asText();
        String ws = api.post("/api/v1/workspaces", Map.of("name", "Acme"), at).json().path("id").asText();
        String c = api.post("/api/v1/workspaces/" + ws + "/conversations", Map.of("kind", "public", "name", "general"), at).json().path("id").asText();
        String m = "/api/v1/conversations/" + c + "/messages";
        for (int i = 0; i < 5; i++) api.post(m, Map.of("body", "m" + i), at);
        p("before=arabic3", api.get(m + "?before=%D9%A3", at));
        p("limit=fullwidth1", api.get(m + "?limit=%EF%BC%91", at));
        p("read 2.5", api.raw("POST", "/api/v1/conversations/" + c + "/read", "application/json", "{\"seq\":2.5}", at));
        p("read \"3\"", api.raw("POST", "/api/v1/conversations/" + c + "/read", "application/json", "{\"seq\":\"3\"}", at));
        p("read 1e2", api.raw("POST", "/api/v1/conversations/" + c + "/read", "application/json", "{\"seq\":1e2}", at));
        p("read true", api.raw("POST", "/api/v1/conversations/" + c + "/read", "application/json", "{\"seq\":true}", at));
        p("read huge", api.raw("POST", "/api/v1/conversations/" + c + "/read", "application/json", "{\"seq\":99999999999999999999999}", at));
        p("clientId number", api.raw("POST", m, "application/json", "{\"body\":\"x\",\"clientId\":123}", at));
        p("ws blank name", api.post("/api/v1/workspaces", Map.of("name", "   "), at));
        p("ws name ctrl", api.post("/api/v1/workspaces", Map.of("name", "a\u0000b"), at));
        p("body NUL", api.post(m, Map.of("body", "a\u0000b"), at));
        p("body nbsp only", api.post(m, Map.of("body", "\u00a0"), at));
        p("patch conv {}", api.patch("/api/v1/conversations/" + c, Map.of(), at));
        p("topic newline", api.patch("/api/v1/conversations/" + c, Map.of("topic", "a\nb"), at));
        // retry after archive
        api.post(m, Map.of("body", "keyed", "clientId", "k1"), at);
        api.patch("/api/v1/conversations/" + c, Map.of("archived", true), at);
        p("retry after archive", api.post(m, Map.of("body", "keyed", "clientId", "k1"), at));
        api.patch("/api/v1/conversations/" + c, Map.of("archived", false), at);
        // delete twice
        String mid = api.post(m, Map.of("body", "del"), at).json().path("id").asText();
        p("delete 1", api.delete(m + "/" + mid, at));
        p("delete 2", api.delete(m + "/" + mid, at));
        // concurrent workspace PUT of the same new member
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int round = 0; round < 3; round++) {
          JsonNode u = api.register("user" + round, "user password");
          String uid = u.path("user").path("id").asText(); String ut = u.path("accessToken").asText();
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Api.Response>> fs = new ArrayList<>();
          for (int t = 0; t < 8; t++) fs.add(pool.submit(() -> { go.await(); return api.raw("PUT", "/api/v1/workspaces/" + ws + "/members/" + uid, "application/json", "{\"role\":\"member\"}", at); }));
          go.countDown();
          Map<Integer, Integer> st = new TreeMap<>();
          for (var f : fs) { var r = f.get(); st.merge(r.status(), 1, Integer::sum); if (r.status() >= 500) p("ws put 5xx", r); }
          System.out.println("PROBE concurrent ws PUT statuses " + st);
          CountDownLatch go2 = new CountDownLatch(1);
          List<Future<Api.Response>> fs2 = new ArrayList<>();
          for (int t = 0; t < 8; t++) fs2.add(pool.submit(() -> { go2.await(); return api.raw("PUT", "/api/v1/conversations/" + c + "/members/" + uid, null, "", ut); }));
          go2.countDown();
          Map<Integer, Integer> st2 = new TreeMap<>();
          for (var f : fs2) { var r = f.get(); st2.merge(r.status(), 1, Integer::sum); if (r.status() >= 500) p("conv join 5xx", r); }
          System.out.println("PROBE concurrent conv join statuses " + st2);
        }
        // concurrent create same conversation name
        CountDownLatch go3 = new CountDownLatch(1);
        List<Future<Api.Response>> fs3 = new ArrayList<>();
        for (int t = 0; t < 8; t++) fs3.add(pool.submit(() -> { go3.await(); return api.post("/api/v1/workspaces/" + ws + "/conversations", Map.of("kind", "public", "name", "race"), at); }));
        go3.countDown();
        Map<Integer, Integer> st3 = new TreeMap<>();
        for (var f : fs3) { var r = f.get(); st3.merge(r.status(), 1, Integer::sum); if (r.status() >= 500) p("conv create 5xx", r); }
        System.out.println("PROBE concurrent conv create statuses " + st3);
        pool.shutdownNow();
      }
    }
  }
}
