package io.ultrachat.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of an upstream on 127.0.0.1, so a test can make the upstream "die" the
 * way a crashed process does: {@link #kill} drops every connection without any close frame.
 */
final class TcpRelay implements AutoCloseable {
  private final NetServer server;
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  final int port;

  TcpRelay(Vertx vertx, int targetPort) {
    client = vertx.createNetClient();
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)).connectHandler(in -> {
      in.pause();
      sockets.add(in);
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          in.close();
          return;
        }
        NetSocket out = ar.result();
        sockets.add(out);
        in.pipeTo(out);
        out.pipeTo(in);
        in.resume();
      });
    });
    port = Futures.await(server.listen()).actualPort();
  }

  Instance instance(String id) {
    return new Instance(id, "http://127.0.0.1:" + port);
  }

  void kill() {
    Futures.await(server.close());
    sockets.forEach(NetSocket::close);
  }

  @Override
  public void close() {
    kill();
    client.close();
  }
}
