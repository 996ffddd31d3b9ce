package io.ultrachat.gateway;

/** A request the edge refuses before any service sees it (wrong media type, no such route). */
final class EdgeRejection extends RuntimeException {
  final Problem problem;

  EdgeRejection(int status, String code, String detail) {
    super(detail, null, false, false);
    this.problem = Problem.of(status, code, detail);
  }
}
