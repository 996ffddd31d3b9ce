package io.ultrachat.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied HTTP request, from picking an instance to the last byte of the response.
 *
 * <p>Design notes. Everything here runs on the client request's event loop (Vert.x calls the
 * client's handlers on the context that made the request), so the state needs no locks. The
 * request is paused from the start and its body is piped upstream with backpressure, never
 * buffered whole; the response body is piped back the same way. <b>Retries:</b> only a request
 * that is idempotent (GET, HEAD, OPTIONS, PUT, DELETE) and carries no body, and only when no byte
 * of the response has gone to the client: after a connection lost before the response, or a
 * 502/503 from the instance while another instance is in rotation. Any request, a POST with its
 * body included, after a connect error (which also ejects the instance): nothing of it was sent.
 * At most {@code gateway.max-attempts} attempts, each on an instance not tried yet.
 * <b>Timeout:</b> from the request being fully sent to the response headers;
 * never retried (a slow service is not helped by more load). <b>Failure after the headers:</b>
 * the client's stream is reset, so a truncated body never looks complete.
 */
final class ProxyExchange {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
  private static final Set<HttpMethod> IDEMPOTENT =
      Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS, HttpMethod.PUT, HttpMethod.DELETE);

  private final Vertx vertx;
  private final HttpClient client;
  private final Upstreams upstreams;
  private final ProxyConfig config;
  private final HttpServerRequest req;
  private final HttpServerResponse res;
  private final String service;
  private final String requestId;
  private final Runnable onDone;
  private final boolean hasBody;
  private final boolean retryable;
  private final Set<Member> tried = new HashSet<>();
  private Optional<HttpClientRequest> upstream = Optional.empty();
  private long timer = -1;
  private boolean responded;
  private boolean done;

  ProxyExchange(Vertx vertx, HttpClient client, Upstreams upstreams, ProxyConfig config, HttpServerRequest req, String service,
      String requestId, Runnable onDone) {
    this.vertx = vertx;
    this.client = client;
    this.upstreams = upstreams;
    this.config = config;
    this.req = req;
    this.res = req.response();
    this.service = service;
    this.requestId = requestId;
    this.onDone = onDone;
    this.hasBody = hasBody(req);
    this.retryable = IDEMPOTENT.contains(req.method()) && !hasBody;
  }

  /** Whether the request carries a body, judged from its headers (HTTP/2 without a length: by method). */
  static boolean hasBody(HttpServerRequest req) {
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      return !length.strip().equals("0");
    }
    if (req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null) {
      return true;
    }
    return req.version() == HttpVersion.HTTP_2 && !req.isEnded()
        && (req.method() == HttpMethod.POST || req.method() == HttpMethod.PUT || req.method() == HttpMethod.PATCH);
  }

  void start() {
    req.pause();
    res.closeHandler(v -> {
      // The client went away: stop the upstream request too.
      if (!done) {
        finish();
        upstream.ifPresent(HttpClientRequest::reset);
      }
    });
    Optional<Member> first = upstreams.pick(service, tried);
    if (first.isEmpty()) {
      upstreams.metrics().unavailable(service);
      fail(ProxyProblems.unavailable("no instance of the " + service + " service is available; retry shortly", config.retryAfter()));
      return;
    }
    send(first.get());
  }

  private void send(Member m) {
    tried.add(m);
    m.begin();
    Attempt attempt = new Attempt(m);
    RequestOptions options = new RequestOptions()
        .setMethod(req.method())
        .setHost(m.instance.host())
        .setPort(m.instance.port())
        .setSsl(m.instance.ssl())
        .setURI(req.uri())
        .setHeaders(ProxyHeaders.toUpstream(req, requestId))
        .setConnectTimeout(config.connectTimeout().toMillis());
    client.request(options).onComplete(ar -> {
      if (ar.failed()) {
        attempt.connectFailed(ar.cause());
        return;
      }
      HttpClientRequest creq = ar.result();
      if (done) {
        creq.reset();
        attempt.release();
        return;
      }
      upstream = Optional.of(creq);
      creq.response().onComplete(r -> {
        if (r.succeeded()) {
          attempt.respond(r.result());
        } else {
          attempt.lost(r.cause());
        }
      });
      if (!hasBody) {
        creq.end().onSuccess(v -> attempt.sent());
        return;
      }
      if (req.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
        creq.setChunked(true);
      }
      if ("100-continue".equalsIgnoreCase(req.getHeader(HttpHeaders.EXPECT)) && req.version() != HttpVersion.HTTP_2) {
        res.writeContinue();
      }
      req.pipe().endOnFailure(false).to(creq).onComplete(piped -> {
        if (piped.succeeded()) {
          attempt.sent();
        } else if (!done) {
          // The client's body broke off, or the instance stopped reading: nothing to salvage.
          creq.reset();
        }
      });
    });
  }

  /** The state of one try on one instance. */
  private final class Attempt {
    private final Member member;
    private final long started = System.nanoTime();
    private boolean released;

    Attempt(Member member) {
      this.member = member;
    }

    void release() {
      if (!released) {
        released = true;
        member.end();
      }
    }

    /** The request is fully sent: from now on the upstream has {@code gateway.upstream-timeout} to answer. */
    void sent() {
      if (done || responded || released) {
        return;
      }
      timer = vertx.setTimer(config.upstreamTimeout().toMillis(), t -> {
        if (done || responded || released) {
          return;
        }
        upstreams.metrics().error(member, "timeout");
        // Released before the reset, so the failure the reset causes is not taken for a lost connection.
        release();
        upstream.ifPresent(HttpClientRequest::reset);
        LOG.warn("request {}: {} did not answer {} {} within {}", requestId, member, req.method(), req.path(), config.upstreamTimeout());
        fail(ProxyProblems.timeout("the " + service + " service did not answer within " + config.upstreamTimeout().toMillis() + " ms"));
      });
    }

    void connectFailed(Throwable cause) {
      upstreams.metrics().error(member, "connect");
      upstreams.ejected(member, cause);
      release();
      if (done) {
        return;
      }
      // Nothing was sent, not even the body (the client's request stays paused until a
      // connection exists), so any request may go to another instance.
      Optional<Member> next = nextFor(true);
      if (next.isPresent()) {
        retryOn(next.get(), "connect error: " + cause.getMessage());
      } else {
        fail(ProxyProblems.unavailable("no instance of the " + service + " service could be reached; retry shortly", config.retryAfter()));
      }
    }

    /** The connection failed after the request went out and before any response. */
    void lost(Throwable cause) {
      if (released) {
        return; // this attempt was given up (timeout, retry) and its request reset on purpose
      }
      if (done || responded) {
        release();
        return;
      }
      cancelTimer();
      upstreams.metrics().error(member, "reset");
      release();
      Optional<Member> next = nextFor();
      if (next.isPresent()) {
        retryOn(next.get(), "connection lost: " + cause.getMessage());
      } else {
        LOG.warn("request {}: {} failed before answering {} {}: {}", requestId, member, req.method(), req.path(), cause.getMessage());
        fail(ProxyProblems.error("the " + service + " service failed before answering"));
      }
    }

    void respond(HttpClientResponse cres) {
      if (done) {
        release();
        return;
      }
      cancelTimer();
      int status = cres.statusCode();
      upstreams.metrics().response(member, status, System.nanoTime() - started);
      if (status == 502 || status == 503) {
        Optional<Member> next = nextFor();
        if (next.isPresent()) {
          upstream.ifPresent(HttpClientRequest::reset);
          release();
          retryOn(next.get(), "answered " + status);
          return;
        }
      }
      responded = true;
      res.setStatusCode(status);
      if (cres.statusMessage() != null) {
        res.setStatusMessage(cres.statusMessage());
      }
      ProxyHeaders.toClient(cres.headers(), res.headers());
      if (res.headers().get(ProxyHeaders.REQUEST_ID) == null) {
        res.putHeader(ProxyHeaders.REQUEST_ID, requestId);
      }
      boolean bodyless = req.method() == HttpMethod.HEAD || status == 204 || status == 304 || status / 100 == 1;
      if (!bodyless && cres.getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
        res.setChunked(true);
      }
      cres.pipe().endOnFailure(false).to(res).onComplete(piped -> {
        release();
        if (piped.failed() && !res.ended() && !res.closed()) {
          LOG.warn("request {}: response from {} broke off: {}", requestId, member, piped.cause().getMessage());
          res.reset();
        }
        if (piped.failed()) {
          upstream.ifPresent(HttpClientRequest::reset);
        }
        finish();
      });
    }

    /** Another instance to retry on, if this request may be retried and attempts are left. */
    private Optional<Member> nextFor() {
      return nextFor(retryable);
    }

    /** Another instance, if {@code mayRetry} and attempts are left. */
    private Optional<Member> nextFor(boolean mayRetry) {
      if (!mayRetry || tried.size() >= config.maxAttempts()) {
        return Optional.empty();
      }
      return upstreams.pick(service, tried);
    }

    private void retryOn(Member next, String why) {
      upstreams.metrics().retry(service);
      LOG.debug("request {}: retrying {} {} on {} after {} {}", requestId, req.method(), req.path(), next, member, why);
      upstream = Optional.empty();
      send(next);
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void fail(io.ultrachat.gateway.Problem problem) {
    cancelTimer();
    ProxyProblems.send(res, problem, requestId);
    if (!req.isEnded()) {
      // A body nobody will read: drop it so the connection can carry the next request.
      req.handler(b -> { });
      req.resume();
    }
    finish();
  }

  private void finish() {
    if (!done) {
      done = true;
      cancelTimer();
      onDone.run();
    }
  }
}
