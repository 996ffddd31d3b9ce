package io.ultrachat.kernel.http;

import java.util.List;

/** A feature's REST surface: the endpoints it contributes to the gateway. */
public interface ServiceEndpoints {
  List<Endpoint> endpoints();
}
