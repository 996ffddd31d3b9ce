package io.ultrachat.server.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.ultrachat.kernel.json.Json;
import io.ultrachat.server.Api;
import io.ultrachat.server.TestServer;
import io.ultrachat.testkit.MutableClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Future;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the Chat API suites share: a started server per test on a {@link MutableClock}, people
 * to act as, and the small request and assertion helpers the tests read best with.
 */
abstract class ChatApiTestBase {
  static final String WORKSPACES = "/api/v1/workspaces";

  private final TestServer.Backend backend;
  protected MutableClock clock;
  protected TestServer server;
  protected Api api;

  ChatApiTestBase(TestServer.Backend backend) {
    this.backend = backend;
  }

  @BeforeEach
  void start() {
    clock = MutableClock.startingNow();
    server = TestServer.on(backend).clock(clock).start();
    api = server.api();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** A registered person: user id, a login access token (all scopes) and username. */
  protected static final class User {
    final String id;
    final String token;
    final String username;

    User(String id, String token, String username) {
      this.id = id;
      this.token = token;
      this.username = username;
    }
  }

  protected User user(String username) {
    JsonNode t = api.register(username, username + " password");
    return new User(t.path("user").path("id").asText(), t.path("accessToken").asText(), username);
  }

  /** A fresh access token for someone, e.g. after moving the clock past the old one's expiry. */
  protected User login(User who) {
    return new User(who.id, api.login(who.username, who.username + " password").path("accessToken").asText(), who.username);
  }

  protected String apiToken(User owner, String scope) {
    return api.post("/api/v1/auth/tokens", Map.of("name", "t-" + scope.replace(':', '-'), "scopes", List.of(scope)), owner.token)
        .ok(201).json().path("token").asText();
  }

  protected static String ws(String id) {
    return WORKSPACES + "/" + id;
  }

  protected static String conv(String id) {
    return "/api/v1/conversations/" + id;
  }

  protected Api.Response put(String path, Object body, String token) {
    if (body == null) {
      return api.raw("PUT", path, null, "", token);
    }
    try {
      return api.raw("PUT", path, "application/json", Json.mapper().writeValueAsString(body), token);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  protected String workspace(User owner, String name) {
    return api.post(WORKSPACES, Map.of("name", name), owner.token).ok(201).json().path("id").asText();
  }

  protected void addToWorkspace(User by, String ws, User who, String role) {
    assertThat(put(ws(ws) + "/members/" + who.id, Map.of("role", role), by.token).ok(200).json().path("role").asText()).isEqualTo(role);
  }

  protected Api.Response send(User by, String conversationId, String body, String clientId) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("body", body);
    if (clientId != null) {
      json.put("clientId", clientId);
    }
    return api.post(conv(conversationId) + "/messages", json, by.token);
  }

  protected static List<String> bodies(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.path("messages").forEach(m -> out.add(m.path("body").isNull() ? null : m.path("body").asText()));
    return out;
  }

  protected static Map<String, String> roles(JsonNode memberList) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode m : memberList.path("members")) {
      assertThat(m.path("userId").isTextual()).as("userId in %s", m).isTrue();
      assertInstant(m.path("joinedAt"));
      out.put(m.path("username").asText(), m.path("role").asText());
    }
    assertThat(out).as("one entry per member in %s", memberList).hasSize(memberList.path("members").size());
    return out;
  }

  protected static Instant assertInstant(JsonNode node) {
    assertThat(node.isTextual()).as("a time string, got %s", node).isTrue();
    assertThat(node.asText()).as("UTC").endsWith("Z");
    return Instant.parse(node.asText());
  }

  /** Runs the calls on their own threads, released at the same moment, and returns their results in order. */
  protected static List<Integer> together(List<Callable<Integer>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(calls.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> futures = new ArrayList<>();
      for (Callable<Integer> c : calls) {
        futures.add(pool.submit(() -> {
          start.await();
          return c.call();
        }));
      }
      start.countDown();
      List<Integer> out = new ArrayList<>();
      for (Future<Integer> f : futures) {
        out.add(f.get(60, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }}
